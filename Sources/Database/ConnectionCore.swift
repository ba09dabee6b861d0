/// The behaviour both drivers share: serialized statements, transactions and savepoints.
struct ConnectionCore: Sendable {
    let engine: any StatementEngine
    let lock = ConnectionLock()

    func query(_ sql: String, _ bindings: [SQLValue]) async throws -> [SQLRow] {
        try await lock.withLock { try await engine.run(sql, bindings, inTransaction: false).rows }
    }

    func execute(_ sql: String, _ bindings: [SQLValue]) async throws -> Int {
        try await lock.withLock { try await engine.run(sql, bindings, inTransaction: false).changes }
    }

    @discardableResult
    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await TransactionScope.run(engine: engine, depth: 0, body)
        }
    }
}

/// The connection handed to a transaction's body: it runs statements without taking the lock its
/// transaction already holds, and nests further transactions as savepoints.
final class TransactionScope: SQLConnection {
    let engine: any StatementEngine
    let depth: Int

    private init(engine: any StatementEngine, depth: Int) {
        self.engine = engine
        self.depth = depth
    }

    var dialect: SQLDialect { engine.dialect }

    static func run<T: Sendable>(
        engine: any StatementEngine, depth: Int, _ body: @Sendable (any SQLConnection) async throws -> T
    ) async throws -> T {
        let savepoint = "shuttle_savepoint_\(depth)"
        let begin = depth == 0 ? engine.beginStatement : "savepoint \(savepoint)"
        _ = try await engine.run(begin, [], inTransaction: depth > 0)
        let result: T
        do {
            result = try await body(TransactionScope(engine: engine, depth: depth + 1))
        } catch {
            let rollback = depth == 0 ? "rollback" : "rollback to savepoint \(savepoint)"
            _ = try? await engine.run(rollback, [], inTransaction: true)
            throw error
        }
        do {
            _ = try await engine.run(depth == 0 ? "commit" : "release savepoint \(savepoint)", [], inTransaction: true)
        } catch {
            // A failed COMMIT (SQLite busy) can leave the transaction open: never hand the session on so.
            if depth == 0 { _ = try? await engine.run("rollback", [], inTransaction: true) }
            throw error
        }
        return result
    }

    func query(_ sql: String, _ bindings: [SQLValue]) async throws -> [SQLRow] {
        try await engine.run(sql, bindings, inTransaction: true).rows
    }

    func execute(_ sql: String, _ bindings: [SQLValue]) async throws -> Int {
        try await engine.run(sql, bindings, inTransaction: true).changes
    }

    @discardableResult
    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await Self.run(engine: engine, depth: depth, body)
    }

    /// The outer connection owns the session; closing a transaction's view of it does nothing.
    func close() {}
}
