/// A session with the app's database. Statements use `?` placeholders in both dialects; SQLite runs
/// several `;`-separated statements in one call, PostgreSQL (extended protocol) exactly one.
///
/// Implementations serialize their own use: concurrent callers queue up, and a `transaction` holds the
/// session for its whole body (statements inside it go through the connection passed to the body).
public protocol SQLConnection: Sendable {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns its rows (empty for statements without a result).
    func query(_ sql: String, _ bindings: [SQLValue]) async throws -> [SQLRow]
    /// Runs a statement and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue]) async throws -> Int
    /// Runs `body` in a transaction (a savepoint when already inside one): committed when it returns,
    /// rolled back when it throws. Use only the connection passed to `body` inside it.
    @discardableResult
    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T
    /// Closes the session; later calls fail with `DatabaseError.Kind.closed`.
    func close()
}

extension SQLConnection {
    public func query(_ sql: String) async throws -> [SQLRow] {
        try await query(sql, [])
    }

    @discardableResult
    public func execute(_ sql: String) async throws -> Int {
        try await execute(sql, [])
    }

    /// The first row, if any.
    public func first(_ sql: String, _ bindings: [SQLValue] = []) async throws -> SQLRow? {
        try await query(sql, bindings).first
    }

    /// Suffix that locks selected rows for the rest of the transaction where the dialect has it
    /// (PostgreSQL); SQLite's write transaction already excludes other writers.
    public var forUpdate: String {
        dialect == .postgres ? " for update" : ""
    }
}
