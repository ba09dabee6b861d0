/// A row of `users` (the app's account holder); objects and integrations belong to one.
public struct SparkUser: Sendable, Hashable {
    public var id: String
    public var name: String
    public var email: String

    public init(id: String, name: String, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }
}
