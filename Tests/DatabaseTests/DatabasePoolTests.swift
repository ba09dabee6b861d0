import Database
import Foundation
import Synchronization
import TestSupport
import XCTest

final class DatabasePoolTests: XCTestCase {
    private func sqlitePool(size: Int) throws -> DatabasePool {
        DatabasePool(configuration: DatabaseConfiguration(driver: .sqlite(path: try TestDatabases.freshSQLitePath()), connectionName: "sqlite"),
                     size: size)
    }

    private func postgresPool(size: Int) throws -> DatabasePool {
        DatabasePool(configuration: DatabaseConfiguration(driver: .postgres(try TestDatabases.postgresConfiguration()), connectionName: "pgsql"),
                     size: size)
    }

    /// Each lease makes a temporary table (private to its session) and drops it: two leases sharing a session
    /// would collide on the name. At most `size` leases are ever out, and no more than `size` sessions open.
    /// Two rounds: the first opens the sessions, the second leases them from the idle ones.
    private func assertLeasesNeverShare(_ pool: DatabasePool) async throws {
        let active = Locked((now: 0, most: 0))
        for _ in 0..<2 { try await leaseRound(pool, active: active) }
        XCTAssertEqual(active.withLock { $0.most }, pool.size)
        XCTAssertEqual(pool.status, DatabasePool.Status(open: pool.size, leased: 0, waiting: 0, isClosed: false))
        await pool.close()
    }

    private func leaseRound(_ pool: DatabasePool, active: Locked<(now: Int, most: Int)>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<(pool.size * 4) {
                group.addTask {
                    try await pool.withConnection { connection in
                        active.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        try await connection.execute("create temporary table lease_mark (x integer)")
                        try await Task.sleep(for: .milliseconds(10))
                        try await connection.execute("drop table lease_mark")
                        active.withLock { $0.now -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func testConcurrentLeasesNeverShareASQLiteConnection() async throws {
        try await assertLeasesNeverShare(try sqlitePool(size: 3))
    }

    func testConcurrentLeasesNeverShareAPostgresConnection() async throws {
        let pool = try postgresPool(size: 3)
        let pids = try await withThrowingTaskGroup(of: Int?.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await pool.withConnection { connection in
                        let pid = try await connection.first("select pg_backend_pid() as pid")?["pid"]?.int
                        try await Task.sleep(for: .milliseconds(50))
                        return pid
                    }
                }
            }
            return try await group.reduce(into: Set<Int?>()) { $0.insert($1) }
        }
        XCTAssertEqual(pids.count, 3, "three leases at once are three server sessions")
        try await assertLeasesNeverShare(pool)
    }

    func testWaitersAreServedFirstComeFirstServed() async throws {
        let pool = try sqlitePool(size: 1)
        let holder = Gate()
        let held = Gate()
        let first = Task {
            try await pool.withConnection { _ in
                held.open()
                await holder.wait()
            }
        }
        await held.wait()
        let order = Locked<[String]>([])
        var waiters: [Task<Void, any Error>] = []
        for name in ["b", "c", "d", "e"] {
            waiters.append(Task { try await pool.withConnection { _ in order.withLock { $0.append(name) } } })
            let expected = waiters.count
            try await until("\(name) waits") { pool.status.waiting == expected }
        }
        holder.open()
        try await first.value
        for waiter in waiters { try await waiter.value }
        XCTAssertEqual(order.withLock { $0 }, ["b", "c", "d", "e"])
        XCTAssertEqual(pool.status.open, 1)
        await pool.close()
    }

    func testCloseWaitsForLeasesThenClosesEverySession() async throws {
        let pool = try sqlitePool(size: 2)
        try await pool.execute("create table t (x integer)")
        let holder = Gate()
        let held = Gate()
        let leased = Locked<(any SQLConnection)?>(nil)
        let job = Task {
            try await pool.withConnection { connection in
                leased.withLock { $0 = connection }
                held.open()
                await holder.wait()
                try await connection.execute("insert into t values (1)")
            }
        }
        await held.wait()
        let closed = Gate()
        let closing = Task {
            await pool.close()
            closed.open()
        }
        try await until("close refuses new leases") {
            do {
                _ = try await pool.query("select 1")
                return false
            } catch let error as DatabaseError {
                return error.kind == .closed
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertFalse(closed.isOpen, "close returned while a lease was out")
        XCTAssertEqual(pool.status.open, 1, "the idle session is closed at once, the leased one stays")

        holder.open()
        try await job.value
        await closing.value
        XCTAssertEqual(pool.status, DatabasePool.Status(open: 0, leased: 0, waiting: 0, isClosed: true))
        let connection = try XCTUnwrap(leased.withLock { $0 })
        do {
            _ = try await connection.query("select 1")
            XCTFail("the session outlived the pool")
        } catch let error as DatabaseError {
            XCTAssertEqual(error.kind, .closed)
        }
        await pool.close()
    }

    func testATransactionHoldsOneLeasedSession() async throws {
        let pool = try postgresPool(size: 2)
        let table = "pool_tx_\(UUID().uuidString.prefix(8).lowercased())"
        try await pool.execute("create table \(table) (x integer)")
        let pids = try await pool.transaction { connection in
            let before = try await connection.first("select pg_backend_pid() as pid")?["pid"]
            try await connection.execute("insert into \(table) values (1)")
            let after = try await connection.first("select pg_backend_pid() as pid")?["pid"]
            return [before, after]
        }
        XCTAssertEqual(pids[0], pids[1])
        do {
            try await pool.transaction { connection in
                try await connection.execute("insert into \(table) values (2)")
                throw CancellationError()
            }
            XCTFail("the transaction's error was lost")
        } catch is CancellationError {}
        let rows = try await pool.query("select x from \(table) order by x").compactMap { $0["x"]?.int }
        XCTAssertEqual(rows, [1], "committed once, rolled back once")
        try await pool.execute("drop table \(table)")
        await pool.close()
    }

    func testACancelledWaiterLeavesTheLine() async throws {
        let pool = try sqlitePool(size: 1)
        let holder = Gate()
        let held = Gate()
        let first = Task {
            try await pool.withConnection { _ in
                held.open()
                await holder.wait()
            }
        }
        await held.wait()
        let waiter = Task { try await pool.withConnection { _ in } }
        try await until("the waiter waits") { pool.status.waiting == 1 }
        waiter.cancel()
        do {
            try await waiter.value
            XCTFail("a cancelled waiter got a session")
        } catch is CancellationError {}
        XCTAssertEqual(pool.status.waiting, 0)
        holder.open()
        try await first.value
        let one = try await pool.query("select 1 as one").first?["one"]
        XCTAssertEqual(one, 1)
        await pool.close()
    }

    func testASessionThatFailsToOpenFreesItsSlot() async throws {
        let missing = try TestEnvironment.temporaryDirectory("shuttle-pool").appendingPathComponent("no/such/dir/db.sqlite").path
        let pool = DatabasePool(configuration: DatabaseConfiguration(driver: .sqlite(path: missing), connectionName: "sqlite"), size: 1)
        for _ in 0..<2 {
            do {
                _ = try await pool.query("select 1")
                XCTFail("opened a database in a directory that does not exist")
            } catch let error as DatabaseError {
                XCTAssertEqual(error.kind, .connection)
            }
        }
        XCTAssertEqual(pool.status, DatabasePool.Status(open: 0, leased: 0, waiting: 0, isClosed: false))
        await pool.close()
        XCTAssertTrue(pool.status.isClosed)
    }

    /// Polls `condition` (every 5 ms, up to 5 s).
    private func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        XCTFail("timed out waiting until \(what)")
    }
}

/// A value tasks share, behind a lock.
private final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// A one-shot gate tasks wait on without blocking a thread.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var isOpen: Bool { state.withLock { $0.open } }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
