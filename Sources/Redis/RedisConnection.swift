import Dispatch

/// One connection to Redis over hiredis' blocking API.
///
/// hiredis calls block the calling thread (BLPOP for seconds at a time), and Swift's cooperative pool
/// has as few threads as cores — two blocked workers would stall every task in the process. So each
/// connection owns a private serial DispatchQueue (GCD backs it with its own threads, outside the
/// cooperative pool), touches its hiredis context only there, and bridges back with a continuation.
/// Commands on one connection run one at a time, in call order; use several connections for parallelism.
///
/// After the socket dies, the command in flight throws (it may have run: never silently re-sent) and
/// the next command reconnects — re-AUTH, re-SELECT, scripts reloaded — backing off between failed
/// attempts as `configuration.reconnectBackoff` says.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    private let queue: DispatchQueue
    private let session: HiredisSession

    /// Connects, authenticates (password, or ACL user + password) and selects the database.
    /// Fails at once (no backoff) so misconfiguration surfaces immediately.
    public init(configuration: RedisConfiguration) async throws {
        self.configuration = configuration
        self.queue = DispatchQueue(label: "shuttle.redis.\(configuration.endpoint)")
        self.session = HiredisSession(configuration: configuration)
        _ = try await perform(reconnect: false) { _ throws(RedisError) in () }
    }

    /// Sends one command. An error reply throws `RedisError.server` with the server's text.
    public func send(_ command: RedisCommand) async throws -> RESPValue {
        try await perform { session throws(RedisError) in try session.send(command) }
    }

    /// Sends all commands in one write and reads all replies. Error replies come back in place as
    /// `.error` (the other commands still ran); only I/O failures throw.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        if commands.isEmpty { return [] }
        return try await perform { session throws(RedisError) in try session.pipeline(commands) }
    }

    /// Runs `script` via EVALSHA with `keys` as KEYS (prefixed) and `arguments` as ARGV (verbatim).
    /// The script is loaded on first use per connection; NOSCRIPT falls back to EVAL transparently.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [RedisArgument]) async throws -> RESPValue {
        try await send(.evalsha(script, keys: keys, arguments: arguments))
    }

    /// `evaluate` with raw byte arguments (payloads).
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [[UInt8]]) async throws -> RESPValue {
        try await send(.evalsha(script, keys: keys, arguments: arguments.map { .value($0) }))
    }

    /// Closes the socket once commands already submitted have finished. Later commands throw
    /// `.connectionClosed`. A command blocked in BLPOP finishes (or times out) first.
    public func close() {
        let session = self.session
        queue.async { session.close() }
    }

    /// How many times this connection has (re)connected; 1 until the first reconnect.
    public var connectCount: Int {
        get async {
            let session = self.session
            return await withUnsafeContinuation { continuation in
                queue.async { continuation.resume(returning: session.connects) }
            }
        }
    }

    /// Hops to the connection's queue to run `body`; reconnects with backoff when needed. Only the
    /// connect is retried — once a command was written, its failure is thrown to the caller.
    private func perform<T: Sendable>(
        reconnect: Bool = true,
        _ body: @escaping @Sendable (HiredisSession) throws(RedisError) -> T
    ) async throws(RedisError) -> T {
        let session = self.session
        let backoff = configuration.reconnectBackoff
        var attempt = 1
        while true {
            let outcome = await withUnsafeContinuation { (continuation: UnsafeContinuation<HiredisSession.Outcome<T>, Never>) in
                queue.async { continuation.resume(returning: session.run(body)) }
            }
            switch outcome {
            case .done(let value):
                return value
            case .failed(let error):
                throw error
            case .connectFailed(let error):
                guard reconnect else { throw error }
                guard error.isTransient, attempt < backoff.attempts else {
                    throw error.isTransient ? .reconnectFailed(attempts: attempt, last: error) : error
                }
                attempt += 1
                do { try await Task.sleep(for: backoff.delay(beforeAttempt: attempt)) } catch {
                    throw .reconnectFailed(attempts: attempt - 1, last: .connectionLost("cancelled while waiting to reconnect"))
                }
            }
        }
    }
}
