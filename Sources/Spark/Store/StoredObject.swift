/// An object row as read back for comparison: Eloquent only writes when a value changed.
struct StoredObject: Sendable {
    var id: String
    var time: String?
    var content: String?
    var metadata: String?
    var url: String?
}
