import Digests
import PHPSerialization
/// Writes JSON exactly as PHP 8's `json_encode` does for the given flags.
///
/// No whitespace; members in stored order; numbers as their stored text (so build them from PHP types
/// with `JSONNumber(Int)` / `JSONNumber(Double)`); strings escaped per PHP's `php_json_escape_string`.
public enum JSONWriter {
    /// The `json_encode` flags Laravel and Horizon use.
    public struct Options: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `JSON_UNESCAPED_UNICODE`: non-ASCII stays raw UTF-8 (U+2028/U+2029 are still escaped).
        public static let unescapedUnicode = Options(rawValue: 1 << 0)
        /// `JSON_UNESCAPED_SLASHES`: `/` is not written as `\/`.
        public static let unescapedSlashes = Options(rawValue: 1 << 1)

        /// What `Queue::createPayload` uses.
        public static let laravelPayload: Options = [.unescapedUnicode]
        /// Plain `json_encode($x)`: `queue:retry`, Horizon.
        public static let plain: Options = []
    }

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// PHP fails with `JSON_ERROR_UTF8` ("Malformed UTF-8 characters, possibly incorrectly encoded").
        case invalidUTF8
        public var description: String { "Malformed UTF-8 characters, possibly incorrectly encoded" }
    }

    public static func encode(_ value: JSONValue, options: Options = .laravelPayload) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(value, options, &out)
        return out
    }

    public static func encode(_ object: JSONObject, options: Options = .laravelPayload) throws -> [UInt8] {
        try encode(.object(object), options: options)
    }

    private static func write(_ value: JSONValue, _ options: Options, _ out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let n): out.append(contentsOf: Array(n.text.utf8))
        case .string(let s): try writeString(s, options, &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, options, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try writeString(Array(member.key.utf8), options, &out)
                out.append(UInt8(ascii: ":"))
                try write(member.value, options, &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func appendEscape(_ unit: UInt32, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        Hex.append(UInt16(truncatingIfNeeded: unit), to: &out)
    }

    package static func writeString(_ s: [UInt8], _ options: Options, _ out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "\""))
        var i = 0
        while i < s.count {
            let b = s[i]
            if b >= 0x80 {
                guard let (scalar, length) = UTF8Codec.decode(s, at: i) else { throw Error.invalidUTF8 }
                if options.contains(.unescapedUnicode) && scalar != 0x2028 && scalar != 0x2029 {
                    out.append(contentsOf: s[i..<i + length])
                } else if scalar >= 0x10000 {
                    let v = scalar - 0x10000
                    appendEscape(0xD800 | (v >> 10), &out)
                    appendEscape(0xDC00 | (v & 0x3FF), &out)
                } else {
                    appendEscape(scalar, &out)
                }
                i += length
                continue
            }
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "/"):
                if options.contains(.unescapedSlashes) { out.append(b) } else { out.append(contentsOf: [0x5C, 0x2F]) }
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20: appendEscape(UInt32(b), &out)
            default: out.append(b)
            }
            i += 1
        }
        out.append(UInt8(ascii: "\""))
    }
}
