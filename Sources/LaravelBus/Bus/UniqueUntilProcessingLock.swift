import Synchronization
import LaravelQueue
import PHPFormats
import PHPSerialization

/// The lock of a `ShouldBeUniqueUntilProcessing` job, freed once: as its handler starts, or — if the
/// middleware never let it start — after the middleware, unless the job was released (v12 `CallQueuedHandler`).
final class UniqueUntilProcessingLock: Sendable {
    private let released = Mutex(false)
    private let releaseLock: @Sendable () async -> Void

    init(_ release: @escaping @Sendable () async -> Void) {
        releaseLock = release
    }

    func release() async {
        let first = released.withLock { done in
            defer { done = true }
            return !done
        }
        if first { await releaseLock() }
    }
}
