import HTTP
import Logging
import PHPFormats
import ShuttleMetrics
import Spark
import Synchronization

/// Monzo's API for one job and one integration group: the group's bearer token on every call, refreshed
/// before a call once `expiry` has passed and once on a 401 (spec §7.1, intended), statuses turned into
/// `MonzoAPIError`s a fetch job can act on. Requests run on the HTTP module's own threads.
///
/// The refresh holds the group's row lock (`SELECT … FOR UPDATE`) from reading the refresh token to writing
/// the new pair, so two jobs of one group — in this process or another — spend a refresh token once: the
/// second finds a token newer than the one it saw and uses it.
final class MonzoClient: Sendable {
    let transport: any HTTPTransport
    let settings: MonzoAPISettings
    let store: SparkStore
    let groupId: String
    let logger: Logger
    private let tokens: Mutex<OAuthTokens>

    init(transport: any HTTPTransport, settings: MonzoAPISettings, store: SparkStore, groupId: String, logger: Logger) async throws {
        self.transport = transport
        self.settings = settings
        self.store = store
        self.groupId = groupId
        self.logger = logger
        let stored = try await store.write { try await $0.oauthTokens(group: groupId) }
        guard let stored else { throw MonzoAPIError.notConfigured("integration group \(groupId) is missing or deleted") }
        tokens = Mutex(stored)
    }

    // MARK: Endpoints (spec §7.2)

    /// `GET /accounts`: every account, closed ones included.
    func accounts() async throws -> [JSONValue] {
        try await list("/accounts", [], key: "accounts")
    }

    /// One page of `GET /transactions` (oldest first), merchants expanded; `since` a time or a transaction id.
    func transactions(account: String, since: String, limit: Int = 100) async throws -> [JSONValue] {
        try await list("/transactions", [("account_id", account), ("expand[]", "merchant"), ("since", since), ("limit", String(limit))],
                       key: "transactions")
    }

    /// Every transaction of `account` from `since` on, a page at a time: after a full page, the next starts
    /// after the last transaction received (`since=<its id>`), so none is skipped past 100. `page` gets each
    /// page as it arrives; nothing is kept here. `patience` retries a page's call in place.
    func eachTransactionPage(account: String, since: String, patience: MonzoPatience = .none,
                             _ page: ([JSONValue]) async throws -> Void) async throws {
        let limit = 100
        var cursor = since
        while true {
            let from = cursor
            let items = try await patience.run(logger) { try await transactions(account: account, since: from, limit: limit) }
            try await page(items)
            guard items.count == limit else { return }
            guard let last = items.last?["id"]?.stringValue, !last.isEmpty, last != cursor else {
                throw MonzoAPIError.unexpectedBody(endpoint: "/transactions", status: 200, reason: "a full page whose last transaction has no new id")
            }
            cursor = last
        }
    }

    /// `GET /pots?current_account_id=`.
    func pots(account: String) async throws -> [JSONValue] {
        try await list("/pots", [("current_account_id", account)], key: "pots")
    }

    /// `GET /balance?account_id=`: the response object.
    func balance(account: String) async throws -> JSONObject {
        let (status, body) = try await get("/balance", [("account_id", account)])
        guard let object = body.objectValue else {
            throw MonzoAPIError.unexpectedBody(endpoint: "/balance", status: status, reason: "not a JSON object")
        }
        guard object["balance"]?.numberValue != nil else {
            throw MonzoAPIError.unexpectedBody(endpoint: "/balance", status: status, reason: "no \"balance\" number")
        }
        return object
    }

    private func list(_ path: String, _ query: [(String, String)], key: String) async throws -> [JSONValue] {
        let (status, body) = try await get(path, query)
        guard body.objectValue != nil else { throw MonzoAPIError.unexpectedBody(endpoint: path, status: status, reason: "not a JSON object") }
        guard let items = body[key]?.arrayValue else {
            throw MonzoAPIError.unexpectedBody(endpoint: path, status: status, reason: "no \"\(key)\" list")
        }
        return items
    }

    // MARK: Calls

    /// A GET with the group's token: refreshed first when expired, and once more after a 401.
    private func get(_ path: String, _ query: [(String, String)]) async throws -> (Int, JSONValue) {
        var current = tokens.withLock { $0 }
        if current.isExpired(at: store.clock.now) {
            logger.info("Monzo access token expired: refreshing", metadata: ["group": "\(groupId)"])
            current = try await refresh(seen: current)
        }
        let url = settings.apiBase + path + (query.isEmpty ? "" : "?" + Self.rfc3986Query(query))
        var response = try await send(path, url: url, token: current.accessToken)
        if response.status == 401 {
            logger.info("Monzo answered 401: refreshing the token once", metadata: ["group": "\(groupId)", "endpoint": "\(path)"])
            current = try await refresh(seen: current)
            response = try await send(path, url: url, token: current.accessToken)
        }
        try Self.check(response, endpoint: path)
        do {
            return (response.status, try JSONParser.parse(response.body))
        } catch {
            throw MonzoAPIError.unexpectedBody(endpoint: path, status: response.status, reason: "invalid JSON")
        }
    }

    private func send(_ endpoint: String, url: String, token: String?) async throws -> HTTPResponse {
        guard let token, !token.isEmpty else { throw MonzoAPIError.notConfigured("integration group \(groupId) has no access token") }
        let request = HTTPRequest(method: .get, url: url, headers: HTTPHeaders([("Authorization", "Bearer " + token), ("Accept", "application/json")]))
        let start = ContinuousClock.now
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPClientError {
            IntegrationMetrics.apiCall(integration: "Monzo", status: nil)
            throw MonzoAPIError.transport(endpoint: endpoint, reason: "\(error.kind)")
        }
        IntegrationMetrics.apiCall(integration: "Monzo", status: response.status)
        logger.debug("Monzo API call", metadata: [
            "endpoint": "\(endpoint)", "status": "\(response.status)", "bytes": "\(response.body.count)",
            "seconds": "\(start.duration(to: .now))",
        ])
        return response
    }

    /// Throws for what is not a 2xx: 429 with its Retry-After, 5xx, anything else with Monzo's error code.
    static func check(_ response: HTTPResponse, endpoint: String) throws {
        switch response.status {
        case 200..<300: return
        case 429: throw MonzoAPIError.rateLimited(endpoint: endpoint, retryAfter: retryAfter(response.headers["Retry-After"]))
        case 500...: throw MonzoAPIError.server(endpoint: endpoint, status: response.status)
        default:
            let code = (try? JSONParser.parse(response.body))?["code"]?.stringValue
            throw MonzoAPIError.status(endpoint: endpoint, status: response.status, code: code.map { String($0.prefix(100)) })
        }
    }

    /// Seconds from a `Retry-After` header; an absent or HTTP-date value waits a minute, as the first backoff does.
    static func retryAfter(_ header: String?) -> Int {
        guard let header, let seconds = Int(header.trimmingPrefixAndSuffixSpaces) else { return 60 }
        return min(max(seconds, 1), 3600)
    }

    // MARK: Token refresh

    /// Refreshes under the group's row lock, unless another job already replaced the token this one `seen`.
    private func refresh(seen: OAuthTokens) async throws -> OAuthTokens {
        guard let clientId = settings.clientId, let clientSecret = settings.clientSecret else {
            throw MonzoAPIError.notConfigured("MONZO_CLIENT_ID and MONZO_CLIENT_SECRET are needed to refresh the token")
        }
        let groupId = self.groupId, transport = self.transport, settings = self.settings, logger = self.logger
        let fresh = try await store.write { writer in
            guard let stored = try await writer.oauthTokens(group: groupId, forUpdate: true) else {
                throw MonzoAPIError.notConfigured("integration group \(groupId) is missing or deleted")
            }
            let now = writer.clock.now
            if stored.accessToken != seen.accessToken, !stored.isExpired(at: now) {
                logger.info("Monzo token already refreshed by another job", metadata: ["group": "\(groupId)"])
                return stored
            }
            do {
                let tokens = try await Self.spend(stored, clientId: clientId, clientSecret: clientSecret, now: now,
                                                  settings: settings, transport: transport)
                try await writer.storeOAuthTokens(tokens, group: groupId)
                IntegrationMetrics.tokenRefresh(integration: "Monzo", succeeded: true)
                logger.info("Monzo token refreshed", metadata: ["group": "\(groupId)", "expiry": "\(tokens.expiry.map { SparkTime.text(unix: $0) } ?? "none")"])
                return tokens
            } catch {
                IntegrationMetrics.tokenRefresh(integration: "Monzo", succeeded: false)
                throw error
            }
        }
        tokens.withLock { $0 = fresh }
        return fresh
    }

    /// The refresh grant itself: the stored refresh token spent for a new pair (its expiry from `expires_in`).
    private static func spend(_ stored: OAuthTokens, clientId: String, clientSecret: String, now: Int64,
                              settings: MonzoAPISettings, transport: any HTTPTransport) async throws -> OAuthTokens {
        guard let refreshToken = stored.refreshToken, !refreshToken.isEmpty else {
            throw MonzoAPIError.refreshFailed(status: nil, reason: "the integration group has no refresh token")
        }
        let form = Self.formBody([("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", clientSecret),
                                  ("refresh_token", refreshToken)])
        let request = HTTPRequest(method: .post, url: settings.apiBase + "/oauth2/token",
                                  headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]),
                                  body: Array(form.utf8))
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPClientError {
            IntegrationMetrics.apiCall(integration: "Monzo", status: nil)
            throw MonzoAPIError.transport(endpoint: "/oauth2/token", reason: "\(error.kind)")
        }
        IntegrationMetrics.apiCall(integration: "Monzo", status: response.status)
        switch response.status {
        case 200..<300: break
        case 429, 500...: try Self.check(response, endpoint: "/oauth2/token")
        default:
            let code = (try? JSONParser.parse(response.body))?["code"]?.stringValue
            throw MonzoAPIError.refreshFailed(status: response.status, reason: code.map { String($0.prefix(100)) } ?? "refused")
        }
        guard let body = try? JSONParser.parse(response.body), let access = body["access_token"]?.stringValue, !access.isEmpty else {
            throw MonzoAPIError.unexpectedBody(endpoint: "/oauth2/token", status: response.status, reason: "no \"access_token\"")
        }
        let expiresIn = body["expires_in"]?.numberValue?.integerValue
        return OAuthTokens(accessToken: access, refreshToken: body["refresh_token"]?.stringValue ?? refreshToken,
                           expiry: expiresIn.map { now + Int64($0) })
    }

    // MARK: Encoding as PHP does

    /// `http_build_query($query, '', '&', PHP_QUERY_RFC3986)`, as Guzzle builds a `query` option:
    /// `expand%5B%5D=merchant`, `%3A`, `%2B`.
    static func rfc3986Query(_ pairs: [(String, String)]) -> String {
        pairs.map { rawurlencode($0.0) + "=" + rawurlencode($0.1) }.joined(separator: "&")
    }

    /// `http_build_query` with PHP's default RFC 1738 (`urlencode`: space as `+`), as `Http::asForm()` sends a form.
    static func formBody(_ pairs: [(String, String)]) -> String {
        pairs.map { urlencode($0.0) + "=" + urlencode($0.1) }.joined(separator: "&")
    }

    static func rawurlencode(_ text: String) -> String { percentEncode(text, keep: Array("-_.~".utf8), spaceAsPlus: false) }
    static func urlencode(_ text: String) -> String { percentEncode(text, keep: Array("-_.".utf8), spaceAsPlus: true) }

    private static func percentEncode(_ text: String, keep: [UInt8], spaceAsPlus: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
            case _ where keep.contains(byte): out.append(byte)
            case UInt8(ascii: " ") where spaceAsPlus: out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

private extension String {
    var trimmingPrefixAndSuffixSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
