/// What a driver provides underneath the shared locking and transaction logic.
protocol StatementEngine: Sendable {
    var dialect: SQLDialect { get }
    /// The statement that opens a transaction.
    var beginStatement: String { get }
    /// Runs one SQL text (`?` placeholders) on the driver's executor. `inTransaction` forbids reconnecting.
    func run(_ sql: String, _ bindings: [SQLValue], inTransaction: Bool) async throws -> StatementResult
    func close()
}

struct StatementResult: Sendable {
    var rows: [SQLRow]
    var changes: Int
}
