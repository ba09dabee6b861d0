#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Up to `limit` dedicated OS threads, outside Swift's cooperative pool, each owning one libcurl easy handle
/// and running the queued transfers one at a time. A thread starts when a transfer finds none idle (so an
/// unused client costs nothing) and lives until `close()`, keeping its handle's connections alive.
/// Like the Redis client's `ConnectionThread`: plain pthreads, a mutex and a condition variable.
final class TransferThreads: @unchecked Sendable {
    private let limit: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`:
    private var pending: [Transfer] = []
    private var threads = 0
    private var idle = 0
    private var closed = false
    private var waitingForClose: [CheckedContinuation<Void, Never>] = []

    init(limit: Int, closed: Bool = false) {
        self.limit = limit
        self.closed = closed
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Queues `transfer`; false once closed.
    func submit(_ transfer: Transfer) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !closed else { return false }
        pending.append(transfer)
        if pending.count > idle && threads < limit {
            threads += 1
            startThread()
        } else {
            pthread_cond_signal(condition)
        }
        return true
    }

    /// Refuses new transfers, lets the queued and running ones finish, and returns once every thread has
    /// freed its handle and exited.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pthread_mutex_lock(mutex)
            closed = true
            pthread_cond_broadcast(condition)
            if threads == 0 {
                pthread_mutex_unlock(mutex)
                continuation.resume()
            } else {
                waitingForClose.append(continuation)
                pthread_mutex_unlock(mutex)
            }
        }
    }

    /// `close()` without waiting: for a client dropped without `shutdown()`.
    func closeEventually() {
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    private func startThread() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            let owner = Unmanaged<TransferThreads>.fromOpaque(context!).takeRetainedValue()
            owner.work()
            return nil
        }, context)
        precondition(created == 0, "cannot start an HTTP transfer thread (pthread_create: \(created))")
        pthread_detach(thread)
    }

    private func work() {
        do {
            let easy = Result { () throws(HTTPClientError) in try CurlEasy() }
            while let transfer = next() {
                transfer.run(on: easy)
            }
        }  // the handle, and its connections, are freed here, before `close()` may return
        pthread_mutex_lock(mutex)
        threads -= 1
        let waiting = threads == 0 ? waitingForClose : []
        if threads == 0 { waitingForClose = [] }
        pthread_mutex_unlock(mutex)
        for continuation in waiting { continuation.resume() }
    }

    /// The next queued transfer, waiting for one; nil once closed and nothing is left.
    private func next() -> Transfer? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        idle += 1
        while pending.isEmpty && !closed { pthread_cond_wait(condition, mutex) }
        idle -= 1
        return pending.isEmpty ? nil : pending.removeFirst()
    }
}
