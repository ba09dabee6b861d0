/// A connection to an SQLite database file (the app's `database/database.sqlite`, or Shuttle's own).
///
/// Journal mode is left as the file has it: the file belongs to the Laravel app, whose PHP processes
/// open it too. A busy timeout lets statements wait for their turn instead of failing at once.
public final class SQLiteConnection: SQLConnection {
    private let core: ConnectionCore
    private let engine: SQLiteEngine
    public let path: String

    public var dialect: SQLDialect { .sqlite }

    /// Opens `path` (`:memory:` for a private in-memory database).
    public init(path: String, createIfMissing: Bool = true, busyTimeoutMilliseconds: Int32 = 5000) throws {
        self.path = path
        engine = try SQLiteEngine(path: path, createIfMissing: createIfMissing, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        core = ConnectionCore(engine: engine)
    }

    public func query(_ sql: String, _ bindings: [SQLValue]) async throws -> [SQLRow] {
        try await core.query(sql, bindings)
    }

    @discardableResult
    public func execute(_ sql: String, _ bindings: [SQLValue]) async throws -> Int {
        try await core.execute(sql, bindings)
    }

    @discardableResult
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await core.transaction(body)
    }

    public func close() {
        engine.close()
    }
}
