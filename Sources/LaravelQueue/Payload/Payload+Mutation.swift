import PHPFormats
extension Payload {
    /// A new payload made the way PHP re-encodes one (`json_decode($p, true)`, change, `json_encode`):
    /// numbers re-typed, `{}` back to `[]`, and — with the default `.plain` options — non-ASCII as `\uXXXX`.
    public func rewritten(options: JSONWriter.Options = .plain, _ change: (inout JSONObject) -> Void) throws -> Payload {
        var object: JSONObject
        switch JSONValue.object(json).phpRoundTripped {
        case .object(let o): object = o
        case .array(let a) where a.isEmpty: object = JSONObject()
        default: throw Error.notAnObject
        }
        change(&object)
        return try Payload(encoding: object, options: options)
    }

    /// `attempts` replaced, re-encoded like `queue:retry` does (plain `json_encode`).
    public func withAttempts(_ attempts: Int, options: JSONWriter.Options = .plain) throws -> Payload {
        try rewritten(options: options) { $0["attempts"] = .int(attempts) }
    }

    /// What `queue:retry` pushes (spec §6.7): `attempts` reset to 0 when set, `retryUntil` refreshed when the
    /// job has a `retryUntil()` (pass `.some(value)`; `.none` leaves it), plain `json_encode`.
    public func forQueueRetry(refreshedRetryUntil: Int?? = .none) throws -> Payload {
        try rewritten(options: .plain) { object in
            if let a = object["attempts"], a != .null { object["attempts"] = .int(0) }
            if case .some(let until) = refreshedRetryUntil { object["retryUntil"] = .int(until) }
        }
    }
}
