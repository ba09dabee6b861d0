/// One connection to Redis over hiredis' blocking API.
///
/// hiredis calls block the calling thread (BLPOP for seconds at a time), and Swift's cooperative pool
/// has as few threads as cores — two blocked workers would stall every task in the process. So each
/// connection owns a dedicated OS thread, touches its hiredis context only there, and bridges back
/// with a continuation. Commands on one connection run one at a time; use several connections for
/// parallelism. For the lowest latency, run the loop that uses a connection on its `executor`
/// (`withTaskExecutorPreference(connection.executor) { … }`): calls then execute inline, with no hop.
///
/// After the socket dies, the command in flight throws (it may have run: never silently re-sent) and
/// the next command reconnects — re-AUTH, re-SELECT, scripts reloaded — backing off between failed
/// attempts as `configuration.reconnectBackoff` says.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    private let thread = ConnectionThread()
    private let session: HiredisSession

    /// Connects, authenticates (password, or ACL user + password) and selects the database.
    /// Fails at once (no backoff) so misconfiguration surfaces immediately.
    public init(configuration: RedisConfiguration) async throws {
        self.configuration = configuration
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

    deinit { thread.finish() }

    /// The connection's own thread as a task executor. Tasks that prefer it run there, and their
    /// calls on this connection skip the two thread hops; blocking there stalls only this connection.
    @available(macOS 15.0, *)
    public var executor: some TaskExecutor { thread }

    /// Closes the socket once commands already submitted have finished. Later commands throw
    /// `.connectionClosed`. A command blocked in BLPOP finishes (or times out) first.
    public func close() {
        let session = self.session
        if thread.isCurrent { session.close() } else { thread.submit { session.close() } }
    }

    /// How many times this connection has (re)connected; 1 until the first reconnect.
    public var connectCount: Int {
        get async {
            let session = self.session
            return await onThread { session.connects }
        }
    }

    /// Runs `body` on the connection's thread: inline when already there, else via a continuation.
    private func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        if thread.isCurrent { return body() }
        return await withUnsafeContinuation { (continuation: UnsafeContinuation<T, Never>) in
            thread.submit { continuation.resume(returning: body()) }
        }
    }

    /// Runs `body` on the connection's thread; reconnects with backoff when needed. Only the
    /// connect is retried — once a command was written, its failure is thrown to the caller.
    private func perform<T: Sendable>(
        reconnect: Bool = true,
        _ body: @escaping @Sendable (HiredisSession) throws(RedisError) -> T
    ) async throws(RedisError) -> T {
        let session = self.session
        let backoff = configuration.reconnectBackoff
        var attempt = 1
        while true {
            let outcome = await onThread { session.run(body) }
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
