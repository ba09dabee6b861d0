import Database

/// The seam's pool: each job leases a session of its own for its transaction, so jobs in flight at once
/// write in parallel on PostgreSQL.
extension DatabasePool: SparkDatabase {
    public var dialect: SQLDialect {
        switch configuration.driver {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }
}
