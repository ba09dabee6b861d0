/// A row of `taggables`: a tag attached to an event (unique per triple, so attaching twice is a no-op).
public struct Taggable: Sendable, Hashable {
    public static let eventType = "App\\Models\\Event"

    public var tagId: Int64
    public var taggableId: String
    public var taggableType: String

    public init(tagId: Int64, taggableId: String, taggableType: String = Taggable.eventType) {
        self.tagId = tagId
        self.taggableId = taggableId
        self.taggableType = taggableType
    }
}
