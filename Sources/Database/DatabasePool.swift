import Synchronization

/// Up to `size` sessions with one database, for the jobs running at once: each caller leases a session of
/// its own for a block or a transaction, so a slow job never holds the others behind one session's lock
/// (the single locked session is for failed jobs and the cache, which write a row now and then).
///
/// Sessions open on first need and stay open; a caller finding none free waits its turn, first come
/// first served, and leaves the line if its task is cancelled (a job's timeout). `close()` refuses new
/// leases, lets the leases out and the callers already waiting finish, then closes every session.
public final class DatabasePool: Sendable {
    public let configuration: DatabaseConfiguration
    /// The most sessions open at once.
    public let size: Int
    private let state = Mutex(State())

    /// What the pool holds right now, for logs and tests.
    public struct Status: Sendable, Equatable {
        /// Sessions open or being opened.
        public var open: Int
        public var leased: Int
        public var waiting: Int
        /// `close()` was called and no session is leased any more.
        public var isClosed: Bool

        public init(open: Int, leased: Int, waiting: Int, isClosed: Bool) {
            self.open = open
            self.leased = leased
            self.waiting = waiting
            self.isClosed = isClosed
        }
    }

    public init(configuration: DatabaseConfiguration, size: Int) {
        precondition(size >= 1, "a database pool needs at least one connection")
        self.configuration = configuration
        self.size = size
    }

    /// Runs `body` on a session no one else uses until it returns. Do not keep the session past `body`.
    public func withConnection<T>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await giveBack(connection)
            return result
        } catch {
            await giveBack(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on one leased session: committed when it returns, rolled back when it throws.
    @discardableResult
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await withConnection { try await $0.transaction(body) }
    }

    /// One statement on a leased session; its rows.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) async throws -> [SQLRow] {
        try await withConnection { try await $0.query(sql, bindings) }
    }

    /// One statement on a leased session; the rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ bindings: [SQLValue] = []) async throws -> Int {
        try await withConnection { try await $0.execute(sql, bindings) }
    }

    public var status: Status {
        state.withLock { Status(open: $0.open, leased: $0.leased, waiting: $0.waiters.count, isClosed: $0.isClosed) }
    }

    /// Refuses new leases, waits for the ones out and the callers already in line, then closes every session.
    /// Calling it again waits for the same end.
    public func close() async {
        let idle = state.withLock { s -> [any SQLConnection] in
            s.closing = true
            s.open -= s.idle.count
            defer { s.idle = [] }
            return s.idle
        }
        for connection in idle { await connection.disconnect() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.isClosed { return true }
                s.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: Leasing

    /// What a caller is handed: a session, or the right to open one (a free slot, counted as open already).
    private enum Grant: Sendable {
        case connection(any SQLConnection)
        case open
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State {
        var idle: [any SQLConnection] = []
        var open = 0
        var leased = 0
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var closing = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []

        var isClosed: Bool { closing && leased == 0 }

        mutating func takeCloseWaiters() -> [CheckedContinuation<Void, Never>] {
            defer { closeWaiters = [] }
            return closeWaiters
        }
    }

    private func lease() async throws -> any SQLConnection {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        let grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let now = state.withLock { s -> Result<Grant, any Error>? in
                    if s.closing { return .failure(closedError) }
                    if let connection = s.idle.popLast() {
                        s.leased += 1
                        return .success(.connection(connection))
                    }
                    if s.open < size {
                        s.open += 1
                        s.leased += 1
                        return .success(.open)
                    }
                    // Checked under the lock the cancellation handler takes: a cancel can't slip in between.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                s.waiters.firstIndex { $0.id == id }.map { s.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        switch grant {
        case .connection(let connection):
            return connection
        case .open:
            do {
                return try await configuration.connect()
            } catch {
                await giveBackSlot()
                throw error
            }
        }
    }

    /// A session back from its lease: to the first in line, else idle (or closed, when the pool is closing).
    private func giveBack(_ connection: any SQLConnection) async {
        let (waiter, closeIt, closeWaiters) = state.withLock { s -> (Waiter?, Bool, [CheckedContinuation<Void, Never>]) in
            if !s.waiters.isEmpty { return (s.waiters.removeFirst(), false, []) }
            s.leased -= 1
            if !s.closing {
                s.idle.append(connection)
                return (nil, false, [])
            }
            s.open -= 1
            return (nil, true, s.isClosed ? s.takeCloseWaiters() : [])
        }
        if let waiter { waiter.continuation.resume(returning: .connection(connection)) }
        if closeIt { await connection.disconnect() }
        for continuation in closeWaiters { continuation.resume() }
    }

    /// A session that failed to open frees its slot: the first in line may try in its place.
    private func giveBackSlot() async {
        let (waiter, closeWaiters) = state.withLock { s -> (Waiter?, [CheckedContinuation<Void, Never>]) in
            if !s.waiters.isEmpty { return (s.waiters.removeFirst(), []) }
            s.leased -= 1
            s.open -= 1
            return (nil, s.isClosed ? s.takeCloseWaiters() : [])
        }
        waiter?.continuation.resume(returning: .open)
        for continuation in closeWaiters { continuation.resume() }
    }

    private var closedError: DatabaseError {
        DatabaseError(kind: .closed, message: "the pool of database connection '\(configuration.connectionName)' is closed")
    }
}
