/// Strict UTF-8 (RFC 3629) for the JSON parser and writer, which must reject exactly what PHP's json
/// extension rejects: overlongs, surrogates, > U+10FFFF, truncation. The standard library's validating
/// parser (`Unicode.UTF8.ForwardParser`) rejects exactly those, so this only adapts it to byte offsets.
enum UTF8Codec {
    /// Decodes the scalar starting at `i`; nil when the sequence there is not well formed.
    static func decode(_ bytes: [UInt8], at i: Int) -> (scalar: UInt32, length: Int)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes[i...].makeIterator()
        guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else { return nil }
        return (Unicode.UTF8.decode(encoded).value, encoded.count)
    }

    /// Appends `scalar`'s UTF-8 bytes; `scalar` must be a Unicode scalar value (no surrogate, ≤ U+10FFFF).
    static func encode(_ scalar: UInt32, into out: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(scalar) else { preconditionFailure("not a Unicode scalar: \(scalar)") }
        out.append(contentsOf: scalar.utf8)
    }
}
