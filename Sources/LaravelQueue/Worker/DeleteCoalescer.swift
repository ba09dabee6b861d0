import Synchronization
import PHPFormats

/// Group commit for finished jobs: deletes that arrive while a pipeline is on the wire are sent together
/// in the next one. Each job still gets its own `ZREM` with its exact reserved bytes, as Laravel sends it;
/// only the round trips are shared, so many jobs in flight cost one round trip, not one each.
final class DeleteCoalescer: Sendable {
    private struct Pending {
        let job: RedisJob
        let continuation: UnsafeContinuation<Void, any Error>
    }

    private let queue: any QueueDriver
    private let state = Mutex<(pending: [Pending], flushing: Bool)>(([], false))

    init(queue: any QueueDriver) { self.queue = queue }

    func delete(_ job: RedisJob) async throws {
        // Unsafe, not checked: `flush` resumes each pending delete exactly once, and the checked wrapper was an
        // allocation per finished job.
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            let startFlusher = state.withLock { s -> Bool in
                s.pending.append(Pending(job: job, continuation: continuation))
                if s.flushing { return false }
                s.flushing = true
                return true
            }
            if startFlusher { Task(executorPreference: queue.preferredExecutor) { await self.flush() } }
        }
    }

    private func flush() async {
        while true {
            let batch = state.withLock { s -> [Pending] in
                let batch = s.pending
                s.pending.removeAll(keepingCapacity: true)
                if batch.isEmpty { s.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await queue.delete(batch.map(\.job))
                for p in batch { p.continuation.resume() }
            } catch {
                for p in batch { p.continuation.resume(throwing: error) }
            }
        }
    }
}
