/// A connection to PostgreSQL through libpq. Statements are sent with `PQexecParams` in text format, so
/// values never travel inside the SQL text; a session lost between statements is re-established.
public final class PostgresConnection: SQLConnection {
    private let core: ConnectionCore
    private let engine: PostgresEngine
    public let configuration: PostgresConfiguration

    public var dialect: SQLDialect { .postgres }

    public init(configuration: PostgresConfiguration) async throws {
        self.configuration = configuration
        engine = try await PostgresEngine(configuration: configuration)
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
