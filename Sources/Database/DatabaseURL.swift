#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `DB_URL` split the way Laravel's `ConfigurationUrlParser` does: scheme → driver (with its aliases),
/// path without the leading `/` → database, percent-decoded user and password, query options.
struct DatabaseURL {
    var driver: String?
    var database: String?
    var host: String?
    var port: Int?
    var username: String?
    var password: String?
    var query: [String: String] = [:]

    private static let aliases = [
        "mssql": "sqlsrv", "mysql2": "mysql", "postgres": "pgsql", "postgresql": "pgsql", "sqlite3": "sqlite",
    ]

    init(_ text: String) throws {
        var text = text
        // Laravel's trick so `sqlite:///path` parses: an empty authority becomes the host `null`.
        for scheme in ["sqlite", "sqlite3"] where text.hasPrefix("\(scheme):///") {
            text = "\(scheme)://null/" + text.dropFirst(scheme.count + 4)
        }
        guard let components = URLComponents(string: text) else {
            throw DatabaseError(kind: .configuration, message: "The database configuration URL is malformed.")
        }
        driver = components.scheme.map { Self.aliases[$0] ?? $0 }
        let path = components.path
        database = path.isEmpty || path == "/" ? nil : String(path.dropFirst())
        host = components.host.flatMap { $0.isEmpty || (driver == "sqlite" && $0 == "null") ? nil : $0 }
        port = components.port
        username = components.user
        password = components.password
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
    }
}
