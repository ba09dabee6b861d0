#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LaravelQueue
import PHPSerialization

/// The number rules both Apple Health jobs share (spec §8.4): `encode()` into (value, multiplier) with PHP
/// 8.2's `round()`, and PHP's float-to-string for the Summary block's texts.
///
/// Own code, not a library: the results must be PHP 8.2's bit for bit (its pre-rounding to 15 significant
/// digits turns `2.0004999999999997 × 1000` into 2001 where IEEE rounding gives 2000).
package enum AppleHealthNumber {
    /// A value `encode()` cannot read.
    package enum Unreadable: Error, CustomStringConvertible {
        /// A string that is not a number (PHP's `(float)` would silently make it 0 or its numeric prefix).
        case notNumeric(String)
        /// An array where a number belongs: PHP's typed parameter throws a TypeError (spec §8.4: the job fails).
        case notScalar

        package var description: String {
            switch self {
            case .notNumeric(let text): return "not a number: \"\(text.prefix(40))\""
            case .notScalar: return "an array where a number belongs"
            }
        }
    }

    /// `encode(x)` → (`value`, `multiplier`); (nil, nil) for null, `""` and non-finite numbers. A nil multiplier is
    /// stored as 1 (spec §5.2).
    package static func encode(_ raw: PHPValue?) throws -> (value: Int64?, multiplier: Int64?) {
        let float: Double
        switch raw {
        case nil, .null?: return (nil, nil)
        case .bool(let b)?: float = b ? 1 : 0
        case .int(let i)?: return (Int64(i), 1)
        case .double(let d)?: float = d
        case .string(let bytes)?:
            if bytes.isEmpty { return (nil, nil) }
            guard let d = numericString(bytes) else { throw Unreadable.notNumeric(String(decoding: bytes, as: UTF8.self)) }
            float = d
        default: throw Unreadable.notScalar
        }
        guard float.isFinite else { return (nil, nil) }
        if float.truncatingRemainder(dividingBy: 1) != 0 {
            return (int(round(float * 1000)), 1000)
        }
        return (int(float), 1)
    }

    /// PHP's `is_numeric` strings (leading and trailing whitespace allowed, decimal only), as a double.
    static func numericString(_ bytes: [UInt8]) -> Double? {
        let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        var slice = bytes[...]
        while let first = slice.first, space.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, space.contains(last) { slice = slice.dropLast() }
        guard !slice.isEmpty, slice.allSatisfy({ (48...57).contains($0) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D || $0 == 0x65 || $0 == 0x45 }),
              slice.contains(where: { (48...57).contains($0) }) else { return nil }
        return Double(String(decoding: slice, as: UTF8.self))
    }

    /// PHP 8's `(int)` of a float: truncated, 0 when out of range.
    static func int(_ d: Double) -> Int64 {
        Int64(exactly: d.rounded(.towardZero)) ?? 0
    }

    /// PHP 8.2's `round($value)` (places 0, half away from zero), `_php_math_round` step by step: values of
    /// magnitude in [1, 1e14] are first rounded to 15 significant digits. PHP 8.4 dropped this pre-rounding.
    package static func round(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let precisionPlaces = 14 - Int(floor(log10(value.magnitude)))
        var tmp: Double
        if precisionPlaces > 0 && precisionPlaces - 15 < 0 {
            tmp = helper(value * pow10(precisionPlaces))
            tmp = tmp / pow10(precisionPlaces)
        } else {
            tmp = value
            if tmp.magnitude >= 1e15 { return value }
        }
        return helper(tmp)
    }

    /// `php_round_helper` for PHP_ROUND_HALF_UP.
    private static func helper(_ value: Double) -> Double {
        value >= 0 ? floor(value + 0.5) : ceil(value - 0.5)
    }

    /// `php_intpow10`: exact powers from a table up to 1e22.
    private static func pow10(_ power: Int) -> Double {
        guard (0...22).contains(power) else { return pow(10.0, Double(power)) }
        return powers[power]
    }

    private static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                           1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// `"$value"` in PHP: floats with `precision = 14` (`1130.0801928043`, `960`, `1.0E+25`), ints in decimal,
    /// strings verbatim, true `1`, false and null empty, arrays `Array`.
    package static func text(_ value: PHPValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .bool(let b)?: return b ? "1" : ""
        case .int(let i)?: return String(i)
        case .double(let d)?:
            if d.isNaN { return "NAN" }
            if d.isInfinite { return d < 0 ? "-INF" : "INF" }
            return PayloadIdentity.phpFloatString(d)
        case .string(let bytes)?: return String(decoding: bytes, as: UTF8.self)
        case .array?: return "Array"
        default: return ""
        }
    }

    /// A scalar PHP would turn into text without complaint (null, bool, number, string).
    static func isScalar(_ value: PHPValue?) -> Bool {
        switch value {
        case nil, .null?, .bool?, .int?, .double?, .string?: return true
        default: return false
        }
    }
}
