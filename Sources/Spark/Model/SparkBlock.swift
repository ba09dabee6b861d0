import PHPFormats

/// A block of an event, one per (event, `title`, `block_type`), updated in place: the intended rule
/// (spec §7.7 ⚠, fixed upstream 2025-09-28) instead of 373618f's fresh copy on every run.
public struct SparkBlock: Sendable, Hashable {
    public var event: EventKey
    /// NULL for Monzo's Merchant block, `''` where the app defaults it.
    public var blockType: String?
    public var title: String
    /// nil: the event's time.
    public var time: String?
    public var metadata: JSONValue
    public var url: String?
    public var mediaUrl: String?
    public var value: Int64?
    public var valueMultiplier: Int64
    public var valueUnit: String?

    public init(event: EventKey, blockType: String?, title: String, time: String? = nil, metadata: JSONValue,
                url: String? = nil, mediaUrl: String? = nil, value: Int64? = nil, valueMultiplier: Int64 = 1,
                valueUnit: String? = nil) {
        self.event = event
        self.blockType = blockType
        self.title = title
        self.time = time
        self.metadata = metadata
        self.url = url
        self.mediaUrl = mediaUrl
        self.value = value
        self.valueMultiplier = valueMultiplier
        self.valueUnit = valueUnit
    }
}
