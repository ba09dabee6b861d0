import PHPSerialization
/// Splits a `.env` value into phpdotenv's tokens: runs of line breaks, runs of other whitespace, each of
/// `\` `'` `"` `#` `$` alone, and runs of everything else.
///
/// The token boundaries matter: an escape applies to the *first byte* of the token after `\`, and an
/// unquoted value may not continue after a whitespace token.
enum DotEnvLexer {
    enum Kind: Equatable { case lineBreak, space, single, other }

    static func kind(_ byte: UInt8) -> Kind {
        switch byte {
        case 0x0A, 0x0D: .lineBreak
        case 0x20, 0x09, 0x0B, 0x0C: .space
        case 0x5C, UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "#"), UInt8(ascii: "$"): .single
        default: .other
        }
    }

    static func tokens(_ bytes: [UInt8]) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let tokenKind = kind(bytes[index])
            var end = index + 1
            if tokenKind != .single {
                while end < bytes.count, kind(bytes[end]) == tokenKind { end += 1 }
            }
            tokens.append(Array(bytes[index..<end]))
            index = end
        }
        return tokens
    }
}
