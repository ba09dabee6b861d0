/// A minimal JSON reader for one flat object: it keeps string members and notes the kind of the others.
///
/// Enough for the encryption payload (written by PHP or any other Laravel-compatible writer) without
/// depending on the general JSON codec; nested values are validated and skipped.
struct FixedShapeJSONReader {
    enum Member: Equatable {
        case string(String)
        /// A non-string value: "a number", "an array", "null", …
        case other(String)
    }

    struct Failure: Error {
        let reason: String
        let offset: Int
    }

    private let bytes: [UInt8]
    private var position = 0
    private static let maximumDepth = 64

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads the whole input as one object; later duplicates win, as in PHP.
    mutating func readObject() throws(Failure) -> [String: Member] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw fail(peek() == nil ? "empty input" : "expected an object") }
        var members: [String: Member] = [:]
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let name = try readString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                if peek() == UInt8(ascii: "\"") {
                    members[name] = .string(try readString())
                } else {
                    members[name] = .other(try skipValue(depth: 1))
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the object") }
        return members
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func fail(_ reason: String) -> Failure { Failure(reason: reason, offset: position) }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d { position += 1 }
    }

    /// Reads a string starting at its opening quote, decoding escapes (including `\/` and surrogate pairs).
    private mutating func readString() throws(Failure) -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fail("unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw Failure(reason: "invalid UTF-8 in the string starting", offset: start)
                }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = peek() else { throw fail("unterminated escape") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out += Array(String(try readUnicodeEscape()).utf8)
                default: throw fail("invalid escape")
                }
            case 0..<0x20:
                throw fail("control character in a string")
            default:
                out.append(byte)
            }
        }
    }

    /// Reads the hex digits after `\u` (and a following low surrogate when this is a high one).
    private mutating func readUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        let first = try readHex4()
        if (0xD800..<0xDC00).contains(first) {
            guard peek() == UInt8(ascii: "\\") else { throw fail("lone high surrogate") }
            position += 1
            guard peek() == UInt8(ascii: "u") else { throw fail("lone high surrogate") }
            position += 1
            let second = try readHex4()
            guard (0xDC00..<0xE000).contains(second) else { throw fail("invalid low surrogate") }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else { throw fail("lone low surrogate") }
        return scalar
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexValue(byte) else { throw fail("invalid \\u escape") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Validates and skips any JSON value; returns its kind for error messages.
    private mutating func skipValue(depth: Int) throws(Failure) -> String {
        guard depth <= Self.maximumDepth else { throw fail("nested too deeply") }
        skipWhitespace()
        guard let byte = peek() else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try readString()
            return "a string"
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = byte == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if peek() == close { position += 1; return isObject ? "an object" : "an array" }
            while true {
                skipWhitespace()
                if isObject {
                    guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                    _ = try readString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                }
                _ = try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(close)
                return isObject ? "an object" : "an array"
            }
        case UInt8(ascii: "t"): try skipLiteral("true"); return "a boolean"
        case UInt8(ascii: "f"): try skipLiteral("false"); return "a boolean"
        case UInt8(ascii: "n"): try skipLiteral("null"); return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
            return "a number"
        default:
            throw fail("unexpected character")
        }
    }

    private mutating func skipLiteral(_ literal: String) throws(Failure) {
        for expected in literal.utf8 {
            guard peek() == expected else { throw fail("invalid literal") }
            position += 1
        }
    }

    /// Skips `-? int frac? exp?` per the JSON grammar.
    private mutating func skipNumber() throws(Failure) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            guard skipDigits() > 0 else { throw fail("invalid number") }
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() > 0 else { throw fail("invalid number") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() > 0 else { throw fail("invalid number") }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }
}
