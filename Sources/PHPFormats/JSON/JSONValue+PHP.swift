import PHPSerialization

extension JSONValue {
    /// This value as PHP sees it after `json_decode($json, true)`, ready to be re-encoded the way
    /// `queue:retry` and Horizon do: numbers re-typed (ints stay, floats re-printed, `-0` → `0`),
    /// objects become PHP arrays (so `{}` and `{"0":…,"1":…}` turn into lists), duplicate keys collapse
    /// (first position, last value).
    public var phpRoundTripped: JSONValue {
        switch self {
        case .null, .bool, .string: return self
        case .number(let n): return .number(n.phpCanonical)
        case .array(let elements): return .array(elements.map(\.phpRoundTripped))
        case .object(let object):
            var merged = JSONObject()
            for member in object.members { merged[member.key] = member.value.phpRoundTripped }
            let isList = merged.members.enumerated().allSatisfy {
                PHPArrayKey.string($0.element.key) == .int($0.offset)
            }
            return isList ? .array(merged.members.map(\.value)) : .object(merged)
        }
    }

    /// An integer the way Laravel ends up using the field (`$payload['attempts'] + 1`, `(int)` casts):
    /// ints, whole floats (`1.0`, cjson's `1e+16`) and integral numeric strings (`"2"`, `" 3"`).
    public var laravelInt: Int? {
        switch self {
        case .number(let n): return n.integerValue
        case .string(let bytes): return JSONValue.phpNumericStringInt(bytes)
        default: return nil
        }
    }

    /// PHP 8 numeric strings: optional surrounding whitespace, then an int or float literal.
    static func phpNumericStringInt(_ bytes: [UInt8]) -> Int? {
        let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        var slice = bytes[...]
        while let f = slice.first, ws.contains(f) { slice = slice.dropFirst() }
        while let l = slice.last, ws.contains(l) { slice = slice.dropLast() }
        var body = slice
        if body.first == UInt8(ascii: "+") { body = body.dropFirst() }
        let text = String(decoding: body, as: UTF8.self)
        if let v = Int(text) { return v }
        guard let first = body.first, first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || (first >= 48 && first <= 57),
              let d = Double(text), d.isFinite, d.rounded(.towardZero) == d else { return nil }
        return Int(exactly: d)
    }

    /// PHP's `(int)` cast of a string: the leading integer prefix after whitespace, else 0.
    package static func phpIntCast(_ text: String) -> Int {
        var digits = ""
        var sawSign = false
        for ch in text.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }) {
            if !sawSign && digits.isEmpty && (ch == "-" || ch == "+") { digits.append(ch); sawSign = true; continue }
            guard ch.isASCII, ch.isNumber else { break }
            digits.append(ch)
        }
        return Int(digits) ?? 0
    }
}
