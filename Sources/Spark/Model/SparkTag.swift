/// A row of spatie's `tags`: `name` and `slug` are `{"en": …}`; `type` is NULL for every tag written here.
public struct SparkTag: Sendable, Hashable {
    public static let locale = "en"

    public var id: Int64
    public var name: String
    public var slug: String
    public var orderColumn: Int64?

    public init(id: Int64, name: String, slug: String, orderColumn: Int64?) {
        self.id = id
        self.name = name
        self.slug = slug
        self.orderColumn = orderColumn
    }

    /// spatie's lookup: a tag matches a name given as its name or as its slug.
    public func matches(_ text: String) -> Bool { name == text || slug == text }
}
