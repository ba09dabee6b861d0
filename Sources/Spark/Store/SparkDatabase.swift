import Database

/// Where the store gets a session for a job's transaction: one shared session, or a pool that leases one
/// per job so jobs in flight at once write in parallel (the integration seam's `DatabasePool`).
public protocol SparkDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction on one session: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T
}

/// One session for every job: transactions queue behind each other (SQLite's writers are serialized anyway).
public struct SingleSessionDatabase: SparkDatabase {
    public let connection: any SQLConnection

    public init(_ connection: any SQLConnection) {
        self.connection = connection
    }

    public var dialect: SQLDialect { connection.dialect }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await connection.transaction(body)
    }
}
