import PHPSerialization
// The standard library's NFD (what Foundation's `decomposedStringWithCanonicalMapping` gives, without ICU).
@_spi(_Unicode) import Swift

/// The part of Laravel's `Str::ascii` (voku/portable-ascii, language `en`) that app names realistically
/// use: Latin-1 Supplement and Latin Extended-A. Other characters fall back to their canonical
/// decomposition's ASCII base letter, or are dropped (as Laravel drops what it cannot transliterate);
/// those results are flagged as not exact so the caller can ask for an explicit prefix.
enum ASCIITransliteration {
    /// Characters whose transliteration is not simply their decomposition's base letter.
    static let table: [Unicode.Scalar: String] = [
        "\u{A0}": " ", "\u{A2}": "c", "\u{A3}": "PS", "\u{A4}": "$?", "\u{A5}": "YEN", "\u{AA}": "a",
        "\u{AB}": "<<", "\u{B2}": "2", "\u{B3}": "3", "\u{B9}": "1", "\u{BA}": "o", "\u{BB}": ">>",
        "Æ": "AE", "æ": "ae", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o", "Þ": "TH", "þ": "th", "ß": "ss",
        "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ĳ": "IJ", "ĳ": "ij", "ĸ": "k",
        "Ŀ": "L", "ŀ": "l", "Ł": "L", "ł": "l", "ŉ": "n", "Ŋ": "N", "ŋ": "n", "Œ": "OE", "œ": "oe",
        "Ŧ": "T", "ŧ": "t", "ſ": "s",
    ]

    /// The range the table (plus decomposition) reproduces exactly.
    static let exactRange: ClosedRange<UInt32> = 0xA0...0x17F

    static func ascii(_ text: String) -> (text: String, exact: Bool) {
        var output = ""
        var exact = true
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                output.unicodeScalars.append(scalar)
            } else if let mapped = table[scalar] {
                output += mapped
            } else {
                if !exactRange.contains(scalar.value) { exact = false }
                if let base = decompositionBase(scalar) { output.unicodeScalars.append(base) }
            }
        }
        return (output, exact)
    }

    /// The first scalar of the canonical decomposition when it is an ASCII letter (`é` → `e`).
    static func decompositionBase(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        var decomposition = String(Character(scalar))._nfd.makeIterator()
        guard let first = decomposition.next(), first.isASCII, first.properties.isAlphabetic else { return nil }
        return first
    }
}
