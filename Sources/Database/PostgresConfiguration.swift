/// Where and how to reach PostgreSQL: the fields of Laravel's `pgsql` connection.
public struct PostgresConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var database: String
    public var username: String
    public var password: String?
    /// libpq's `sslmode` (`disable`, `prefer` — Laravel's default —, `require`, `verify-full`…).
    public var sslmode: String
    /// Seconds libpq waits for the server when connecting.
    public var connectTimeout: Int
    public var applicationName: String

    public init(
        host: String = "127.0.0.1", port: Int = 5432, database: String, username: String, password: String? = nil,
        sslmode: String = "prefer", connectTimeout: Int = 10, applicationName: String = "shuttle"
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.sslmode = sslmode
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// libpq connection keywords and values, in `PQconnectdbParams` form.
    var libpqParameters: [(String, String)] {
        var list: [(String, String)] = [
            ("host", host), ("port", String(port)), ("dbname", database), ("user", username),
            ("sslmode", sslmode), ("connect_timeout", String(connectTimeout)), ("application_name", applicationName),
            ("client_encoding", "UTF8"),
        ]
        if let password, !password.isEmpty { list.append(("password", password)) }
        return list
    }
}
