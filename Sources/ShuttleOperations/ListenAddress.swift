/// Where `work --http` listens: `HOST:PORT`, or just `PORT` on loopback. Loopback is the default because
/// /metrics and /health are for a scraper or a health check on the same host (or in the same container);
/// exposing them beyond is a deliberate `0.0.0.0:PORT`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let hostPart = parts.count == 2 ? String(parts[0]) : ""
        let portPart = parts.count == 2 ? parts[1] : parts.count == 1 ? parts[0] : ""
        guard parts.count <= 2, let port = Int(portPart), (0...65_535).contains(port) else {
            throw OperationsError("--http: expected HOST:PORT or PORT (e.g. 127.0.0.1:9100), got \(text)")
        }
        let host = hostPart.isEmpty || hostPart == "localhost" ? "127.0.0.1" : hostPart
        guard IPv4.parse(host) != nil else {
            throw OperationsError("--http: the host must be an IPv4 address (127.0.0.1, 0.0.0.0), got \(hostPart)")
        }
        self.init(host: host, port: port)
    }

    public var description: String { "\(host):\(port)" }
}

/// Dotted-quad parsing, so the listener needs no resolver.
enum IPv4 {
    /// The address in network byte order.
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value.bigEndian
    }
}

/// A one-line configuration or start-up error of the operations endpoints.
public struct OperationsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
