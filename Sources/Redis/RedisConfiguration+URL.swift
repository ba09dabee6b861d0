extension RedisConfiguration {
    /// Parses the URL forms Laravel's `REDIS_URL` and redis-cli accept:
    ///
    /// - `redis://[[user]:password@]host[:port][/db]` (IPv6 hosts in brackets; `redis://secret@host`
    ///   means password `secret`, as in redis-cli)
    /// - `unix:///path/to.sock[?db=N]` and `redis:///path/to.sock[?db=N]` (empty host = socket path)
    /// - query parameters `db`, `password`, `username` override the parts above.
    ///
    /// `rediss://` is rejected: the Debian hiredis 0.14 we link has no TLS. Other settings (timeouts,
    /// prefix, backoff) keep their defaults; set them on the result.
    public init(url: String) throws {
        self.init()
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw RedisError.invalidURL("\(url): expected redis://host:port/db or unix:///path.sock")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = Substring(url[schemeEnd.upperBound...])
        switch scheme {
        case "redis", "unix": break
        case "rediss":
            throw RedisError.invalidURL("\(url): TLS (rediss://) is not supported — this build's hiredis has no TLS; use a TLS proxy such as stunnel, or plain redis://")
        default:
            throw RedisError.invalidURL("\(url): unsupported scheme '\(scheme)' (expected redis:// or unix://)")
        }

        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]

        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userinfo[..<colon], url)
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userinfo[userinfo.index(after: colon)...], url)
            } else if !userinfo.isEmpty {
                password = try Self.percentDecoded(userinfo, url)
            }
        }

        if scheme == "unix" || (authority.isEmpty && path.count > 1) {
            guard authority.isEmpty else {
                throw RedisError.invalidURL("\(url): a unix socket URL has no host (use unix:///path/to.sock)")
            }
            let socket = try Self.percentDecoded(path, url)
            guard socket.count > 1 else { throw RedisError.invalidURL("\(url): missing socket path") }
            unixSocketPath = socket
        } else {
            try parseHostAndPort(authority, url)
            let db = path.dropFirst()
            if !db.isEmpty {
                guard let n = Int(db), n >= 0 else { throw RedisError.invalidURL("\(url): database '\(db)' is not a non-negative integer") }
                database = n
            }
        }

        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0], value = try Self.percentDecoded(parts.count > 1 ? parts[1] : "", url)
            switch name {
            case "db", "database":
                guard let n = Int(value), n >= 0 else { throw RedisError.invalidURL("\(url): database '\(value)' is not a non-negative integer") }
                database = n
            case "password": password = value
            case "username", "user": username = value.isEmpty ? nil : value
            default: break  // other clients' options (timeout=…, etc.) are not ours to reject
            }
        }
    }

    private mutating func parseHostAndPort(_ authority: Substring, _ url: String) throws {
        var hostPart = authority, portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw RedisError.invalidURL("\(url): unterminated IPv6 address") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty {
                throw RedisError.invalidURL("\(url): unexpected '\(after)' after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        if !hostPart.isEmpty { host = try Self.percentDecoded(hostPart, url) }
        if let portPart, !portPart.isEmpty {
            guard let p = Int(portPart), (1...65535).contains(p) else { throw RedisError.invalidURL("\(url): port '\(portPart)' is not in 1...65535") }
            port = p
        }
    }

    /// `%XX` decoding for user info, paths and query values (`+` stays a plus: it is not a form).
    static func percentDecoded(_ text: Substring, _ url: String) throws -> String {
        guard text.contains("%") else { return String(text) }
        var bytes = [UInt8]()
        var it = Array(text.utf8)[...]
        while let b = it.popFirst() {
            guard b == UInt8(ascii: "%") else { bytes.append(b); continue }
            guard it.count >= 2, let hi = hexValue(it.removeFirst()), let lo = hexValue(it.removeFirst()) else {
                throw RedisError.invalidURL("\(url): bad percent-escape in '\(text)'")
            }
            bytes.append(hi << 4 | lo)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
