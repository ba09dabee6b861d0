import PHPFormats

/// An upsert of `objects` (model `EventObject`): the key and the values every write overwrites
/// (`time`, `content`, `metadata`, `url`; `media_url` is never set by these jobs, see spec §3.4).
public struct SparkObject: Sendable, Hashable {
    public var key: ObjectKey
    /// `YYYY-MM-DD HH:MM:SS` as Eloquent writes it.
    public var time: String
    public var content: String?
    public var metadata: JSONValue?
    public var url: String?

    public init(key: ObjectKey, time: String, content: String? = nil, metadata: JSONValue? = nil, url: String? = nil) {
        self.key = key
        self.time = time
        self.content = content
        self.metadata = metadata
        self.url = url
    }
}
