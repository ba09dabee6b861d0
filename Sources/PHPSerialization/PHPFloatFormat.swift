/// PHP 8's text for a float with `serialize_precision = -1` (the default), as `serialize()` and
/// `json_encode()` write it.
///
/// PHP takes the shortest round-trip digits (zend_dtoa mode 0) and lays them out like `zend_gcvt` with
/// precision 17: with `value = 0.DIGITS × 10^decpt`, exponent form when `decpt < -3` or `decpt > 17`,
/// i.e. `|x| < 1e-4` or `|x| ≥ 1e17` (measured with PHP 8.2: `1e16` → `10000000000000000`,
/// `1e17` → `1.0E+17`, `0.0001` → `0.0001`, `1e-5` → `1.0E-5`).
public enum PHPFloatFormat {
    /// The text after `d:` (`3`, `-0`, `0.1`, `1.0E+25`, `NAN`, `INF`, `-INF`).
    public static func serialize(_ d: Double) -> String {
        if d.isNaN { return "NAN" }
        if d.isInfinite { return d < 0 ? "-INF" : "INF" }
        return format(d, exponentMark: "E")
    }

    /// `json_encode`'s text: the same digits with a lowercase `e`. JSON has no NaN/infinity; PHP's
    /// `json_encode` fails on them (or writes `0` with `JSON_PARTIAL_OUTPUT_ON_ERROR`), so this returns `0`.
    public static func json(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        return format(d, exponentMark: "e")
    }

    /// Shortest round-trip decimal digits (no leading/trailing zeros) and `decpt`, so that
    /// `|d| = 0.DIGITS × 10^decpt`. Zero gives `("0", 1)`, as zend_dtoa does.
    static func shortestDigits(_ d: Double) -> (digits: [UInt8], decpt: Int) {
        // Swift's description is the shortest round-trip representation; only its layout varies.
        let text = Array(d.magnitude.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(of: UInt8(ascii: "e")) {
            mantissa = text[..<e]
            var sign = 1
            var rest = text[(e + 1)...]
            if rest.first == UInt8(ascii: "-") { sign = -1; rest = rest.dropFirst() }
            else if rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
            for c in rest { exponent = exponent * 10 + Int(c - 48) }
            exponent *= sign
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        for c in mantissa {
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { integerDigits += 1 }
        }
        var decpt = integerDigits + exponent
        let firstNonZero = digits.firstIndex { $0 != UInt8(ascii: "0") }
        guard let firstNonZero else { return ([UInt8(ascii: "0")], 1) }
        decpt -= firstNonZero
        digits.removeFirst(firstNonZero)
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, decpt)
    }

    private static func format(_ d: Double, exponentMark: Character) -> String {
        let (digits, decpt) = shortestDigits(d)
        var out = d.sign == .minus ? "-" : ""
        let zero = Character("0")
        if decpt < -3 || decpt > 17 {
            out.append(Character(UnicodeScalar(digits[0])))
            out.append(".")
            if digits.count == 1 {
                out.append(zero)
            } else {
                out.append(contentsOf: String(decoding: digits[1...], as: UTF8.self))
            }
            out.append(exponentMark)
            let e = decpt - 1
            out.append(e < 0 ? "-" : "+")
            out.append(String(e.magnitude))
        } else if decpt <= 0 {
            out.append("0.")
            out.append(String(repeating: zero, count: -decpt))
            out.append(contentsOf: String(decoding: digits, as: UTF8.self))
        } else if digits.count <= decpt {
            out.append(contentsOf: String(decoding: digits, as: UTF8.self))
            out.append(String(repeating: zero, count: decpt - digits.count))
        } else {
            out.append(contentsOf: String(decoding: digits[..<decpt], as: UTF8.self))
            out.append(".")
            out.append(contentsOf: String(decoding: digits[decpt...], as: UTF8.self))
        }
        return out
    }
}
