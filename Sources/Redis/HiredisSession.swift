import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hiredis context of one `RedisConnection` and everything that goes with it.
///
/// `@unchecked Sendable` because it is confined: only `RedisConnection`'s own thread ever calls into it, so the non-thread-safe `redisContext` and the caches below are never shared.
final class HiredisSession: @unchecked Sendable {
    /// What a queued operation produced; `connectFailed` tells the caller a reconnect failed before
    /// anything was sent (so backing off and retrying is safe).
    enum Outcome<T: Sendable>: Sendable {
        case done(T)
        case failed(RedisError)
        case connectFailed(RedisError)
    }

    let configuration: RedisConfiguration
    private let prefix: [UInt8]
    private var context: UnsafeMutablePointer<redisContext>?
    private var argv = ArgvBuffer()
    /// Read timeout we set on the socket (`.some(nil)` = none), so it is only changed when needed;
    /// `nil` until the first command on a new socket, which therefore always sets it explicitly.
    private var appliedTimeout: Duration??
    /// SHA-1s this connection has loaded (SCRIPT LOAD or EVAL); emptied on reconnect.
    private var loadedScripts: Set<String> = []
    private var database: Int
    private var closed = false
    /// Incremented by every successful connect, so tests and logs can tell a reconnect happened.
    private(set) var connects = 0

    init(configuration: RedisConfiguration) {
        self.configuration = configuration
        self.prefix = Array(configuration.keyPrefix.utf8)
        self.database = configuration.database
    }

    deinit { drop() }

    func close() {
        closed = true
        drop()
    }

    /// Runs `body` with a live connection, (re)connecting first when the previous one died.
    func run<T: Sendable>(_ body: (HiredisSession) throws(RedisError) -> T) -> Outcome<T> {
        if closed { return .failed(.connectionClosed) }
        if context == nil || !peerStillConnected() {
            drop()
            do { try connect() } catch { return .connectFailed(error) }
        }
        do { return .done(try body(self)) } catch { return .failed(error) }
    }

    // MARK: Commands

    /// One command; an error reply throws `.server`.
    func send(_ command: RedisCommand) throws(RedisError) -> RESPValue {
        let reply = try roundTrip(CollectionOfOne(command)).first!
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Appends all commands, then reads all replies: one write and (mostly) one read for N commands.
    func pipeline(_ commands: [RedisCommand]) throws(RedisError) -> [RESPValue] {
        try roundTrip(commands)
    }

    /// Writes `commands` (preceded by SCRIPT LOAD for scripts new to this connection), reads their
    /// replies, and re-runs as EVAL any script call the server answered with NOSCRIPT (someone ran
    /// SCRIPT FLUSH, or the server restarted): the caller never sees NOSCRIPT.
    private func roundTrip(_ commands: some Collection<RedisCommand>) throws(RedisError) -> [RESPValue] {
        guard let ctx = context else { throw .connectionLost("not connected") }
        try applyTimeout(for: commands, ctx)

        var loads: [RedisScript] = []
        for command in commands {
            if let script = command.script, !loadedScripts.contains(script.sha1), !loads.contains(script) { loads.append(script) }
        }
        for script in loads {
            try append(RedisCommand("SCRIPT", ["LOAD", .value(script.source)]), ctx)
        }
        for command in commands { try append(command, ctx) }
        for script in loads {
            if case .bulkString = try readReply(ctx) { loadedScripts.insert(script.sha1) }
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        for command in commands {
            let reply = try readReply(ctx)
            replies.append(reply)
            if let database = command.selectedDatabase, case .simpleString = reply { self.database = database }
        }
        for (i, command) in zip(replies.indices, commands) {
            guard let script = command.script, let message = replies[i].errorMessage, message.hasPrefix("NOSCRIPT"),
                  let eval = command.asEval else { continue }
            loadedScripts.remove(script.sha1)
            try append(eval, ctx)
            replies[i] = try readReply(ctx)
            if replies[i].errorMessage == nil { loadedScripts.insert(script.sha1) }
        }
        return replies
    }

    private func append(_ command: RedisCommand, _ ctx: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        if argv.append(command, prefix: prefix, to: ctx) != REDIS_OK {
            throw failure(ctx, errno: errno)
        }
    }

    private func readReply(_ ctx: UnsafeMutablePointer<redisContext>) throws(RedisError) -> RESPValue {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(ctx, &raw) == REDIS_OK, let raw else {
            throw failure(ctx, errno: errno)
        }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        shuttle_reader_release_buffer(ctx)
        return Self.value(of: reply)
    }

    /// Bulk strings of at least this size are freed as soon as copied (a popped job and its reserved copy).
    static let earlyRelease = 1 << 20

    /// Copies a hiredis reply tree into a `RESPValue`.
    private static func value(of reply: UnsafeMutablePointer<redisReply>) -> RESPValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulkString(r.len == 0 ? [] : Array(UnsafeRawBufferPointer(start: r.str, count: r.len)))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(r.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_STATUS:
            return .simpleString(String(decoding: UnsafeRawBufferPointer(start: r.str, count: r.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: UnsafeRawBufferPointer(start: r.str, count: r.len), as: UTF8.self))
        case REDIS_REPLY_ARRAY:
            var elements: [RESPValue] = []
            elements.reserveCapacity(r.elements)
            for i in 0..<r.elements {
                let element = r.element[i]!
                elements.append(value(of: element))
                if element.pointee.type == REDIS_REPLY_STRING && element.pointee.len >= earlyRelease {
                    shuttle_reply_release_string(element)
                }
            }
            return .array(elements)
        default:
            return .error("unexpected hiredis reply type \(r.type)")
        }
    }

    // MARK: Timeouts

    /// Blocking commands may legitimately wait their own timeout, so the read limit becomes that plus
    /// the command timeout; `.zero` (block forever) or no command timeout means no limit.
    private func applyTimeout(for commands: some Collection<RedisCommand>, _ ctx: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        var wanted = configuration.commandTimeout
        for command in commands {
            guard let blocking = command.blockingTimeout, let current = wanted else { continue }
            guard blocking > .zero, let base = configuration.commandTimeout else { wanted = nil; continue }
            wanted = Swift.max(current, blocking + base)
        }
        if let applied = appliedTimeout, applied == wanted { return }
        if redisSetTimeout(ctx, Self.timeValue(wanted ?? .zero)) != REDIS_OK {
            throw failure(ctx, errno: errno)
        }
        appliedTimeout = .some(wanted)
    }

    static func timeValue(_ duration: Duration) -> timeval {
        let (seconds, atto) = duration.components
        var micros = atto / 1_000_000_000_000
        if seconds == 0 && micros == 0 && atto > 0 { micros = 1 }  // 0 would mean "no timeout"
        return timeval(tv_sec: Int(seconds), tv_usec: Int(micros))
    }

    // MARK: Connection lifecycle

    /// Connects, authenticates and selects the database, in one round trip after the TCP handshake.
    private func connect() throws(RedisError) {
        let tv = Self.timeValue(configuration.connectTimeout)
        let made: UnsafeMutablePointer<redisContext>? =
            if let path = configuration.unixSocketPath { redisConnectUnixWithTimeout(path, tv) } else {
                redisConnectWithTimeout(configuration.host, Int32(clamping: configuration.port), tv)
            }
        let savedErrno = errno
        guard let ctx = made else { throw .hostUnreachable("\(configuration.endpoint): cannot allocate a hiredis context") }
        if ctx.pointee.err != 0 {
            let error = connectFailure(ctx, errno: savedErrno)
            redisFree(ctx)
            throw error
        }
        context = ctx
        appliedTimeout = nil
        loadedScripts.removeAll()
        if configuration.unixSocketPath == nil { _ = redisEnableKeepAlive(ctx) }

        var handshake: [RedisCommand] = []
        if let password = configuration.password {
            handshake.append(RedisCommand("AUTH", (configuration.username.map { [.value($0)] } ?? []) + [.value(password)]))
        }
        if database != 0 { handshake.append(.select(database)) }
        if !handshake.isEmpty {
            let replies = try pipeline(handshake)
            for (command, reply) in zip(handshake, replies) {
                guard let message = reply.errorMessage else { continue }
                drop()
                throw command.name == "AUTH" ? .authenticationFailed(message) : .server(message)
            }
        } else {
            try applyTimeout(for: EmptyCollection(), ctx)
        }
        connects += 1
    }

    /// Frees the context; the next `run` reconnects. Scripts count as unloaded on the new connection.
    private func drop() {
        if let context { redisFree(context) }
        context = nil
        appliedTimeout = nil
    }

    /// A server that closed an idle connection (CLIENT KILL, `timeout` config, restart) has left an EOF
    /// on the socket. Peeking for it costs one non-blocking syscall and lets us reconnect *before*
    /// sending, when re-sending is still safe, instead of failing the next command.
    private func peerStillConnected() -> Bool {
        guard let fd = context?.pointee.fd else { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if n > 0 { return true }
        if n == 0 { return false }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
    }

    /// Classifies a failed command I/O and drops the (now unusable) context.
    private func failure(_ ctx: UnsafeMutablePointer<redisContext>, errno savedErrno: Int32) -> RedisError {
        let text = Self.errorText(ctx)
        let error: RedisError
        switch ctx.pointee.err {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK:
            let limit = appliedTimeout.flatMap { $0 }.map { "\($0)" } ?? "the configured timeout"
            error = .timeout("no reply from \(configuration.endpoint) within \(limit)")
        case REDIS_ERR_EOF:
            error = .connectionLost("\(configuration.endpoint): server closed the connection")
        case REDIS_ERR_PROTOCOL:
            error = .protocolError(text)
        default:
            error = .connectionLost("\(configuration.endpoint): \(text)")
        }
        drop()
        return error
    }

    private func connectFailure(_ ctx: UnsafeMutablePointer<redisContext>, errno savedErrno: Int32) -> RedisError {
        let text = Self.errorText(ctx)
        let target = "\(configuration.endpoint): \(text)"
        if savedErrno == ECONNREFUSED || savedErrno == ENOENT || text.contains("refused") { return .connectionRefused(target) }
        if savedErrno == ETIMEDOUT || savedErrno == EINPROGRESS || text.contains("timed out") {
            return .timeout("connecting to \(configuration.endpoint) took longer than \(configuration.connectTimeout)")
        }
        return .hostUnreachable(target)
    }

    private static func errorText(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: ctx.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
