/// Lets one SQLite transaction of this process run at a time, the others waiting in line (first come, first
/// served): SQLite admits one writer anyway, and a job refused by `begin immediate` would otherwise poll
/// through its busy timeout, sleeping while the writer before it has long finished.
actor WriterGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { held = false } else { waiters.removeFirst().resume() }
    }

    nonisolated func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
