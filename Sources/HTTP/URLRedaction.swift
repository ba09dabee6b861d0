/// What of a URL an error may show: scheme, host, port and path. The query string (API tokens, signatures),
/// the fragment and any `user:password@` are left out, and scrubbed from libcurl's own error text too.
enum URLRedaction {
    static func redact(_ url: String) -> String {
        var kept = url[...]
        if let end = kept.firstIndex(where: { $0 == "?" || $0 == "#" }) { kept = kept[..<end] }
        if let userinfo = userinfo(of: kept) { kept = kept[..<userinfo.lowerBound] + kept[userinfo.upperBound...] }
        return String(kept)
    }

    /// `text` (libcurl's message) without any secret part of `url` in it.
    static func scrub(_ text: String, of url: String) -> String {
        var text = text.replacing(url, with: redact(url))
        var secrets: [Substring] = []
        if let query = url.firstIndex(where: { $0 == "?" || $0 == "#" }) { secrets.append(url[url.index(after: query)...]) }
        if let userinfo = userinfo(of: url[...]) { secrets.append(url[userinfo]) }
        for secret in secrets where !secret.isEmpty {
            text = text.replacing(secret, with: "[redacted]")
        }
        return text
    }

    /// The `user:password@` of `url`'s authority, `@` included.
    private static func userinfo(of url: Substring) -> Range<Substring.Index>? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        return authority.startIndex..<authority.index(after: at)
    }
}
