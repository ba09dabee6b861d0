/// A block row as read back for comparison: it is only written when a value changed.
struct StoredBlock: Sendable {
    var id: String
    var time: String?
    var metadata: String?
    var url: String?
    var mediaUrl: String?
    var value: Int64?
    var valueMultiplier: Int64?
    var valueUnit: String?
}
