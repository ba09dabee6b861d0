import PHPSerialization
/// Parses JSON as written by PHP's `json_encode` and by Redis' Lua cjson.
///
/// Strict where PHP's `json_decode` is strict (invalid UTF-8, raw control characters, lone surrogates
/// and trailing garbage are errors, so we never accept what a PHP worker would reject), tolerant of
/// what cjson produces: any key order, `\/`, raw UTF-8 and re-printed numbers.
public struct JSONParser {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    /// PHP's default nesting limit for `json_decode`.
    public static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the value") }
        return value
    }

    public static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    private func error(_ message: String) -> Error { Error(message: message, offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: String, _ value: JSONValue) throws -> JSONValue {
        let lit = Array(literal.utf8)
        guard index + lit.count <= bytes.count, bytes[index..<index + lit.count].elementsEqual(lit) else {
            throw error("unknown literal")
        }
        index += lit.count
        return value
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), 48...57: return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting too deep") }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
        // A job payload's top level has a dozen members: room for them at once, not five regrowths; nested
        // objects (`data`) have a few.
        object.members.reserveCapacity(depth == 1 ? 16 : 4)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseKey()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            object.members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
            throw error("expected ',' or '}'")
        }
    }

    /// A member name (cursor on its opening quote). Plain ASCII names, every name Laravel writes, become the
    /// String straight from the input, without the array `parseString` builds; the rest go through it.
    private mutating func parseKey() throws -> String {
        let start = index + 1
        if let (key, next) = bytes.withUnsafeBufferPointer({ Self.plainKey($0, from: start) }) {
            index = next
            return key
        }
        return String(decoding: try parseString(), as: UTF8.self)
    }

    /// The member names of Laravel's and Horizon's job payloads (spec §4.2, §8.2): their Strings are reused
    /// rather than built for every job parsed.
    private static let knownKeys = NameTable([
        "uuid", "displayName", "job", "maxTries", "maxExceptions", "failOnTimeout", "backoff", "timeout",
        "retryUntil", "timeoutAt", "data", "commandName", "command", "batchId", "id", "attempts", "delay",
        "createdAt", "deleteWhenMissingModels", "type", "tags", "silenced", "pushedAt", "retry_of",
    ])

    /// From just after the opening quote: the name and the index after the closing quote, or nil when the name
    /// has an escape, a control byte or non-ASCII (or is unterminated).
    private static func plainKey(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> (String, Int)? {
        var i = start
        while i < buffer.count {
            let b = buffer[i]
            if b == UInt8(ascii: "\"") {
                let name = UnsafeBufferPointer(rebasing: buffer[start..<i])
                return (knownKeys.name(name) ?? String(decoding: name, as: UTF8.self), i + 1)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting too deep") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws -> JSONNumber {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        let slice = Array(bytes[start..<index])
        guard JSONNumber.isValid(slice) else { index = start; throw error("malformed number") }
        return JSONNumber(unchecked: String(decoding: slice, as: UTF8.self))
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }

    /// Decodes a string literal (cursor on the opening quote) into UTF-8 bytes. Strings as Laravel writes them
    /// take `decodeSimpleString`; anything else, and every error, goes through the byte-by-byte loop.
    private mutating func parseString() throws -> [UInt8] {
        index += 1
        let start = index
        if let (decoded, next) = bytes.withUnsafeBufferPointer({ Self.decodeSimpleString($0, from: start) }) {
            index = next
            return decoded
        }
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return out
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &out)
                default: index -= 1; throw error("invalid escape")
                }
            case 0..<0x20:
                throw error("raw control character in string")
            case 0..<0x80:
                out.append(b)
                index += 1
            default:
                guard let (_, length) = UTF8Codec.decode(bytes, at: index) else { throw error("invalid UTF-8") }
                out.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
    }

    /// The strings Laravel's `json_encode` writes (printable ASCII, one-character escapes; a payload is parsed
    /// for every job popped) in one scan and one allocation, where appending byte by byte was most of the
    /// worker's JSON time. From just after the opening quote: the bytes and the index after the closing quote,
    /// or nil for anything else (`\u` escapes, UTF-8, control bytes, errors), left to the general loop.
    private static func decodeSimpleString(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> ([UInt8], Int)? {
        guard let base = buffer.baseAddress else { return nil }
        let count = buffer.count
        var i = start
        var escapes = 0
        while i < count {
            // Eight bytes at a time to the first byte that needs a look (strings are mostly plain runs).
            if i &+ 8 <= count {
                let flags = specialBytes(word(at: base + i))
                if flags == 0 { i &+= 8; continue }
                i &+= flags.trailingZeroBitCount >> 3
            }
            let b = base[i]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                guard i &+ 1 < count, simpleEscape(base[i &+ 1]) != nil else { return nil }
                escapes &+= 1
                i &+= 2
                continue
            }
            if b < 0x20 || b >= 0x80 { return nil }
            i &+= 1
        }
        guard i < count else { return nil }
        let end = i
        if escapes == 0 { return (Array(buffer[start..<end]), end + 1) }
        let decoded = [UInt8](unsafeUninitializedCapacity: end - start - escapes) { out, count in
            // The runs between escapes are copied whole, each escape as its one byte.
            let target = out.baseAddress!
            var j = start, k = 0
            while j < end {
                var run = j
                while run < end {
                    if run &+ 8 <= end {
                        let flags = backslashes(word(at: base + run))
                        if flags == 0 { run &+= 8; continue }
                        run &+= flags.trailingZeroBitCount >> 3
                        break
                    }
                    if base[run] == UInt8(ascii: "\\") { break }
                    run &+= 1
                }
                let n = run &- j
                (target + k).initialize(from: base + j, count: n)
                k &+= n
                guard run < end else { break }
                target[k] = simpleEscape(base[run &+ 1])!
                k &+= 1
                j = run &+ 2
            }
            count = k
        }
        return (decoded, end + 1)
    }

    // SWAR over eight bytes, the first in the lowest byte: a test sets the high bit of each byte it matches.
    // The zero-byte test `(v - 0x01…) & ~v & 0x80…` may also flag bytes after a real match, never before one,
    // so the lowest flag is the first match.

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let high: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    private static func word(at p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Flags the bytes `decodeSimpleString` must look at: quotes, backslashes, control bytes, non-ASCII.
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & high
    }

    /// Flags the backslashes (in a string already scanned: every byte is printable ASCII).
    @inline(__always)
    private static func backslashes(_ word: UInt64) -> UInt64 {
        let backslash = word ^ (ones &* 0x5C)
        return (backslash &- ones) & ~backslash & high
    }

    /// The byte a one-character escape stands for (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`).
    private static func simpleEscape(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return e
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for b in bytes[index..<index + 4] {
            let d: UInt8
            switch b {
            case 48...57: d = b - 48
            case 65...70: d = b - 55
            case 97...102: d = b - 87
            default: throw error("bad hex digit in \\u escape")
            }
            v = v << 4 | UInt32(d)
        }
        index += 4
        return v
    }

    private mutating func appendUnicodeEscape(to out: inout [UInt8]) throws {
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired high surrogate")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired high surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw error("unpaired low surrogate")
        }
        UTF8Codec.encode(scalar, into: &out)
    }
}
