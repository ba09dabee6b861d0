import PHPSerialization
/// Laravel's `Str::slug`, which the skeleton configs apply to `APP_NAME` to build the Redis, cache and
/// Horizon key prefixes: a different slug means a different prefix, and Shuttle would watch empty keys.
public enum LaravelStr {
    /// `Str::slug($title, $separator)`: transliterate to ASCII, turn the other separator (`-`/`_`) into
    /// `separator`, `@` into `separator + "at" + separator`, lowercase, delete everything but letters,
    /// digits, whitespace and the separator, collapse runs of whitespace/separator, trim the separator.
    public static func slug(_ title: String, separator: String = "-") -> String {
        var text = ASCIITransliteration.ascii(title).text
        let flip: Character = separator == "-" ? "_" : "-"
        text = collapsingRuns(in: text, of: { $0 == flip }, into: separator)
        text = text.replacingAll("@", with: separator + "at" + separator)
        let separatorCharacters = Set(separator)
        text = String(text.lowercased().filter { character in
            separatorCharacters.contains(character) || character.isASCIILetterOrDigit || character.isSlugWhitespace
        })
        text = collapsingRuns(in: text, of: { separatorCharacters.contains($0) || $0.isSlugWhitespace }, into: separator)
        return String(text.drop(while: separatorCharacters.contains).reversed().drop(while: separatorCharacters.contains).reversed())
    }

    /// Whether `slug` reproduces Laravel exactly for `title`: true when every non-ASCII character is one
    /// Shuttle's transliteration table covers (Latin-1 Supplement and Latin Extended-A).
    public static func slugIsExact(_ title: String) -> Bool {
        ASCIITransliteration.ascii(title).exact
    }

    static func collapsingRuns(in text: String, of matches: (Character) -> Bool, into replacement: String) -> String {
        var result = ""
        var inRun = false
        for character in text {
            if matches(character) {
                if !inRun { result += replacement }
                inRun = true
            } else {
                result.append(character)
                inRun = false
            }
        }
        return result
    }
}

extension Character {
    fileprivate var isASCIILetterOrDigit: Bool {
        guard let ascii = asciiValue else { return false }
        return (0x30...0x39).contains(ascii) || (0x41...0x5A).contains(ascii) || (0x61...0x7A).contains(ascii)
    }

    /// PCRE's `\s`: space, tab, LF, vertical tab, form feed, CR (a CRLF pair is one Swift Character).
    fileprivate var isSlugWhitespace: Bool {
        unicodeScalars.allSatisfy { $0 == " " || (0x09...0x0D).contains($0.value) }
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
