#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Marks each `ConnectionThread`'s OS thread, so code can tell it already runs there.
private let currentConnectionThread: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

/// One dedicated OS thread per connection, outside Swift's cooperative pool, where all of that
/// connection's blocking hiredis calls run.
///
/// It is also a `TaskExecutor`: a worker loop started with `withTaskExecutorPreference` runs on this
/// thread, and its Redis calls then execute inline — no thread hop in either direction, which is
/// most of the per-call cost (two cross-thread wake-ups) otherwise. The thread exits when its
/// connection is gone and no work is left, and restarts if work still arrives.
final class ConnectionThread: @unchecked Sendable {
    private enum Work {
        case closure(() -> Void)
        case job(UnownedJob)
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`:
    private var pending: [Work] = []
    private var running = false
    private var finishing = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// True when called on this connection's thread.
    var isCurrent: Bool {
        pthread_getspecific(currentConnectionThread) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs `work` on the thread, after everything submitted before it.
    func submit(_ work: @escaping () -> Void) {
        push(.closure(work))
    }

    /// Lets the thread exit once it is idle (called when the connection is released).
    func finish() {
        pthread_mutex_lock(mutex)
        finishing = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func push(_ work: Work) {
        pthread_mutex_lock(mutex)
        pending.append(work)
        if running {
            pthread_cond_signal(condition)
        } else {
            running = true
            startThread()
        }
        pthread_mutex_unlock(mutex)
    }

    private func startThread() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            let owner = Unmanaged<ConnectionThread>.fromOpaque(context!).takeRetainedValue()
            pthread_setspecific(currentConnectionThread, Unmanaged.passUnretained(owner).toOpaque())
            owner.loop()
            pthread_setspecific(currentConnectionThread, nil)
            return nil
        }, context)
        precondition(created == 0, "cannot start a Redis connection thread (pthread_create: \(created))")
        pthread_detach(thread)
    }

    private func loop() {
        var batch: [Work] = []
        while true {
            pthread_mutex_lock(mutex)
            while pending.isEmpty && !finishing { pthread_cond_wait(condition, mutex) }
            if pending.isEmpty {
                running = false
                pthread_mutex_unlock(mutex)
                return
            }
            swap(&batch, &pending)
            pthread_mutex_unlock(mutex)
            for work in batch {
                switch work {
                case .closure(let body): body()
                case .job(let job): run(job)
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    private func run(_ job: UnownedJob) {
        if #available(macOS 15.0, *) {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

@available(macOS 15.0, *)
extension ConnectionThread: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }
}
