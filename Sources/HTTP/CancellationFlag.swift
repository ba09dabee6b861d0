import Synchronization

/// Set when the task awaiting a request is cancelled; the transfer's thread checks it before starting and
/// from libcurl's progress callback, which then aborts the transfer.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    func cancel() {
        flag.store(true, ordering: .releasing)
    }
}
