/// A command ready to send: name plus tagged arguments. Built once, sendable to any connection;
/// the connection applies its own key prefix when it writes the command out.
public struct RedisCommand: Sendable, Hashable {
    public var name: String
    public var arguments: [RedisArgument]
    /// For BLPOP-style commands: how long the server may block (`.zero` = forever). The connection
    /// then waits that long plus `commandTimeout` for the reply instead of timing out early.
    public var blockingTimeout: Duration?
    /// Set for EVALSHA built by `evalsha(_:keys:arguments:)`: lets the connection load the script
    /// first and fall back to EVAL on NOSCRIPT.
    public internal(set) var script: RedisScript?
    /// Set by `select(_:)`, so a reconnect restores the database the caller chose last.
    var selectedDatabase: Int?

    public init(_ name: String, _ arguments: [RedisArgument] = []) {
        self.name = name
        self.arguments = arguments
    }

    /// This script call as a plain EVAL (the NOSCRIPT fallback): same keys and arguments, source for SHA.
    var asEval: RedisCommand? {
        guard let script, !arguments.isEmpty else { return nil }
        var eval = RedisCommand("EVAL", arguments)
        eval.arguments[0] = .value(script.source)
        return eval
    }
}
