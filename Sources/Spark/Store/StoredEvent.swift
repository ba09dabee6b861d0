/// An event row as read back for comparison: Eloquent only writes when a value changed.
struct StoredEvent: Sendable {
    var id: String
    var time: String?
    var actorId: String?
    var targetId: String?
    var service: String?
    var domain: String?
    var action: String?
    var value: Int64?
    var valueMultiplier: Int64?
    var valueUnit: String?
    var eventMetadata: String?
    var deleted: Bool
}
