#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A minimal HTTP/1.1 server for GET /metrics, /health and /ready, on one dedicated OS thread with blocking
/// POSIX sockets, one connection at a time, `Connection: close`.
///
/// Not Hummingbird (or any swift-nio server): that would add several minutes of build to every CI run and an
/// event loop's threads and memory to a worker whose only callers are a scraper every few seconds and a
/// health check. Blocking `accept`/`recv` stay on this thread, never on the cooperative pool.
public final class OperationsServer: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]

        public init(status: Int, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        public static func text(_ status: Int, _ text: String) -> Response {
            Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
    }

    public typealias Route = @Sendable (_ path: String) -> Response?

    /// The port bound (the one asked for, or the kernel's pick for port 0).
    public let port: Int
    private let socket: Int32
    private let route: Route
    private let stopped = Atomic<Bool>(false)
    private let thread = Mutex<pthread_t?>(nil)

    /// Binds and listens at once, so a taken port fails `shuttle work` at start-up, not later.
    public init(address: ListenAddress, route: @escaping Route) throws {
        guard let ip = IPv4.parse(address.host) else { throw OperationsError("--http: bad host \(address.host)") }
        #if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw OperationsError("--http: socket() failed (errno \(errno))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(address.port).bigEndian)
        addr.sin_addr = in_addr(s_addr: ip)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw OperationsError("--http: cannot listen on \(address) (\(String(cString: strerror(code))))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.socket = fd
        self.route = route
    }

    /// Starts the accept loop on its own thread.
    public func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        let created = pthread_create(&tid, nil, { raw in
            #if canImport(Darwin)
            let server = Unmanaged<OperationsServer>.fromOpaque(raw).takeRetainedValue()
            #else
            let server = Unmanaged<OperationsServer>.fromOpaque(raw!).takeRetainedValue()
            #endif
            server.serve()
            return nil
        }, box)
        if created == 0 { thread.withLock { $0 = tid } } else { Unmanaged<OperationsServer>.fromOpaque(box).release() }
    }

    /// Stops accepting and waits for the thread; a request being answered finishes first.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        if let tid = thread.withLock({ t -> pthread_t? in defer { t = nil }; return t }) { pthread_join(tid, nil) }
        close(socket)
    }

    private func serve() {
        while !stopped.load(ordering: .acquiring) {
            let client = accept(socket, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if stopped.load(ordering: .acquiring) { return }
                usleep(10_000)  // EMFILE and the like: do not spin
                continue
            }
            answer(client)
            close(client)
        }
    }

    /// Reads the request head (up to 8 KiB, 2 s), answers, closes.
    private func answer(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while head.count < 8192, !Self.endsHead(head) {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            head += chunk[..<n]
        }
        let response = respond(to: head)
        var bytes = Array("HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n".utf8)
        bytes += response.body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func respond(to head: [UInt8]) -> Response {
        guard let lineEnd = head.firstIndex(of: UInt8(ascii: "\r")) ?? head.firstIndex(of: UInt8(ascii: "\n")) else {
            return .text(400, "bad request\n")
        }
        let parts = head[..<lineEnd].split(separator: UInt8(ascii: " "))
        guard parts.count == 3, parts[2].starts(with: Array("HTTP/1.".utf8)) else { return .text(400, "bad request\n") }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard method == "GET" else { return .text(405, "only GET\n") }
        var path = String(decoding: parts[1], as: UTF8.self)
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        return route(path) ?? .text(404, "not found: try /metrics, /health or /ready\n")
    }

    /// A blank line ends the head (GET has no body); bare LF line ends are accepted too.
    private static func endsHead(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2 else { return false }
        for i in 1..<bytes.count where bytes[i] == 10 && (bytes[i - 1] == 10 || i >= 3 && bytes[(i - 3)...i].elementsEqual([13, 10, 13, 10])) {
            return true
        }
        return false
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
