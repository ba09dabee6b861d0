// PLACEHOLDER until the libcurl HTTP module lands from w-http: the same public API, served by the curl CLI
// so the Monzo fetch jobs can be written and tested before then. Deleted at the merge.
import Foundation

public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    private var pairs: [(String, String)]
    public init() { pairs = [] }
    public init(_ pairs: [(String, String)]) { self.pairs = pairs }
    public init(dictionaryLiteral elements: (String, String)...) { pairs = elements }
    public mutating func add(name: String, value: String) { pairs.append((name, value)) }
    public subscript(name: String) -> String? {
        pairs.first { $0.0.lowercased() == name.lowercased() }?.1
    }
    public func makeIterator() -> IndexingIterator<[(String, String)]> { pairs.makeIterator() }
}

public enum HTTPMethod: String, Sendable { case get, post, put, patch, delete, head }

public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

public struct HTTPClientError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case invalidURL, connect, timeout, tls, responseTooLarge, closed, transport }
    public let kind: Kind
    public let message: String
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { "HTTP \(kind): \(message)" }
}

public struct HTTPClientConfiguration: Sendable {
    public var caFile: String?
    public var timeout: Double
    public var connectTimeout: Double
    public var maxResponseBytes: Int
    public var maxConnections: Int
    public init(caFile: String? = nil, timeout: Double = 30, connectTimeout: Double = 10, maxResponseBytes: Int = 64 << 20,
                maxConnections: Int = 64) {
        self.caFile = caFile
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxConnections = maxConnections
    }
    public static func fromEnvironment(_ vars: [String: String]) -> HTTPClientConfiguration {
        HTTPClientConfiguration(caFile: vars["SHUTTLE_HTTP_CA_FILE"] ?? vars["SSL_CERT_FILE"])
    }
}

public final class HTTPClient: HTTPTransport {
    let configuration: HTTPClientConfiguration
    public init(configuration: HTTPClientConfiguration = .init()) { self.configuration = configuration }
    public func shutdown() async {}

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shuttle-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let headersFile = dir.appendingPathComponent("h").path, bodyFile = dir.appendingPathComponent("b").path
        let config = dir.appendingPathComponent("c").path
        var lines = ["silent", "url = \"\(request.url)\"", "request = \"\(request.method.rawValue.uppercased())\"",
                     "dump-header = \"\(headersFile)\"", "output = \"\(bodyFile)\"",
                     "max-time = \(Int(configuration.timeout))", "connect-timeout = \(Int(configuration.connectTimeout))"]
        if let ca = configuration.caFile { lines.append("cacert = \"\(ca)\"") }
        for (name, value) in request.headers { lines.append("header = \"\(name): \(value)\"") }
        if !request.body.isEmpty {
            let bodyIn = dir.appendingPathComponent("in").path
            try Data(request.body).write(to: URL(fileURLWithPath: bodyIn))
            lines.append("data-binary = \"@\(bodyIn)\"")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-K", config]
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        switch status {
        case 0: break
        case 7: throw HTTPClientError(kind: .connect, message: "could not connect")
        case 28: throw HTTPClientError(kind: .timeout, message: "timed out")
        case 35, 51, 58, 60, 77: throw HTTPClientError(kind: .tls, message: "TLS failure (curl \(status))")
        default: throw HTTPClientError(kind: .transport, message: "curl exit \(status)")
        }
        let head = (try? String(contentsOfFile: headersFile, encoding: .utf8)) ?? ""
        let blocks = head.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        let last = blocks.last?.components(separatedBy: "\r\n") ?? []
        let code = last.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers = HTTPHeaders()
        for line in last.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))).map { [UInt8]($0) } ?? []
        if body.count > configuration.maxResponseBytes {
            throw HTTPClientError(kind: .responseTooLarge, message: "response over \(configuration.maxResponseBytes) bytes")
        }
        return HTTPResponse(status: code, headers: headers, body: body)
    }
}
