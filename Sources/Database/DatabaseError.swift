/// A failure reported by SQLite, the PostgreSQL server or libpq, or a configuration problem.
///
/// Carries the server's own message and, for PostgreSQL, the SQLSTATE, so callers can tell a unique
/// violation (`23505`) from a lost connection, and logs say exactly what the database said.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Opening or reaching the database failed.
        case connection
        /// A statement failed (syntax, constraint, type…).
        case statement
        /// The connection was closed by `close()` or broke and could not be re-established.
        case closed
        /// The configuration names something Shuttle cannot use (e.g. `DB_CONNECTION=mysql`).
        case configuration
    }

    public let kind: Kind
    public let message: String
    /// PostgreSQL's five-character SQLSTATE (`23505` unique violation…), when the server sent one.
    public let sqlState: String?
    /// SQLite's extended result code (`SQLITE_CONSTRAINT_UNIQUE` = 2067…), when from SQLite.
    public let sqliteCode: Int32?
    /// The statement that failed, when there was one.
    public let sql: String?

    public init(kind: Kind, message: String, sqlState: String? = nil, sqliteCode: Int32? = nil, sql: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.sqliteCode = sqliteCode
        self.sql = sql
    }

    /// True for unique/primary-key violations in either database.
    public var isUniqueViolation: Bool {
        sqlState == "23505" || sqliteCode == 2067 || sqliteCode == 1555
    }

    public var description: String {
        var text = "database error: \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let sqliteCode { text += " (SQLite code \(sqliteCode))" }
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }
}
