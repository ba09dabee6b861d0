import PHPFormats
extension DatabaseCacheStore {
    /// PHP 8's numeric strings (`is_numeric`): optional leading and trailing whitespace around an optional
    /// sign, digits with an optional fraction, and an optional exponent. `(int)` of one truncates its value.
    enum NumericString {
        static func integerValue(_ bytes: [UInt8]) -> Int? {
            let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
            var s = bytes[...]
            while let f = s.first, space.contains(f) { s = s.dropFirst() }
            while let l = s.last, space.contains(l) { s = s.dropLast() }
            guard isNumeric(s) else { return nil }
            let text = String(decoding: s, as: UTF8.self)
            if let exact = Int(text) { return exact }
            guard let d = Double(text), d.isFinite else { return nil }
            return Int(exactly: d.rounded(.towardZero))
        }

        private static func isNumeric(_ s: ArraySlice<UInt8>) -> Bool {
            var i = s.startIndex
            func digits() -> Int {
                let start = i
                while i < s.endIndex, (48...57).contains(s[i]) { i += 1 }
                return i - start
            }
            if i < s.endIndex, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            var mantissa = digits()
            if i < s.endIndex, s[i] == UInt8(ascii: ".") {
                i += 1
                mantissa += digits()
            }
            guard mantissa > 0 else { return false }
            if i < s.endIndex, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
                i += 1
                if i < s.endIndex, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { return false }
            }
            return i == s.endIndex
        }
    }
}
