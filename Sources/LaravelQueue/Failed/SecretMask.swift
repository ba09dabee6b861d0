import PHPFormats

/// Masks the secrets a job named (`JobContext.treatAsSecret`) in its payload before the payload is written where
/// people read it: the failed_jobs row and the log line of a row that could not be written. A webhook hook's
/// header bag, say, carries the webhook secret inside `data.command`.
///
/// Each occurrence, raw or JSON-escaped as `json_encode` and cjson write it, becomes one `*` per byte of the secret:
/// the JSON stays valid and every PHP `s:N:` length in the command still holds, so the row stays readable by
/// `queue:failed` and `shuttle inspect`. A retried masked job fails on the secret it no longer has — by design:
/// re-send it from its source.
package enum SecretMask {
    package static func mask(_ payload: [UInt8], secrets: [[UInt8]]) -> [UInt8] {
        var out = payload
        for secret in secrets where !secret.isEmpty {
            let stars = [UInt8](repeating: UInt8(ascii: "*"), count: secret.count)
            for form in forms(of: secret) { out = replacing(form, with: stars, in: out) }
        }
        return out
    }

    /// The secret as bytes, and as the body of a JSON string in each escaping a payload may carry.
    static func forms(of secret: [UInt8]) -> [[UInt8]] {
        var forms = [secret]
        let optionSets: [JSONWriter.Options] = [.plain, .laravelPayload, [.unescapedUnicode, .unescapedSlashes]]
        for options in optionSets {
            var quoted: [UInt8] = []
            guard (try? JSONWriter.writeString(secret, options, &quoted)) != nil, quoted.count >= 2 else { continue }
            let body = Array(quoted[1..<(quoted.count - 1)])
            if !forms.contains(body) { forms.append(body) }
        }
        return forms
    }

    static func replacing(_ needle: [UInt8], with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        guard needle.count <= haystack.count, let first = needle.first else { return haystack }
        var out: [UInt8] = []
        var i = 0, copiedFrom = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) {
                if out.isEmpty { out.reserveCapacity(haystack.count) }
                out.append(contentsOf: haystack[copiedFrom..<i])
                out.append(contentsOf: replacement)
                i += needle.count
                copiedFrom = i
            } else {
                i += 1
            }
        }
        if copiedFrom == 0 { return haystack }
        out.append(contentsOf: haystack[copiedFrom...])
        return out
    }
}
