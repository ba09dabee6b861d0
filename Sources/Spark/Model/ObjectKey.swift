/// What the app looks an object up by (`updateOrCreate` keys): `objects` has no unique constraint, so
/// this is also what Shuttle locks on to keep two jobs from creating the same object twice.
public struct ObjectKey: Sendable, Hashable, CustomStringConvertible {
    public var userId: String
    public var concept: String
    public var type: String
    public var title: String

    public init(userId: String, concept: String, type: String, title: String) {
        self.userId = userId
        self.concept = concept
        self.type = type
        self.title = title
    }

    public var description: String { "\(concept)/\(type)/\(title)" }
}
