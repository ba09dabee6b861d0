import PHPSerialization
/// Trimming without Foundation (whose `trimmingCharacters(in:)` comes with ICU), on Unicode scalars as
/// Foundation's character sets work.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs: Foundation's `.whitespaces` (category Zs, U+0009 and,
    /// as CoreFoundation defines it, U+200B).
    package func trimmingSpaces() -> Substring {
        let scalars = String(self).unicodeScalars
        let isSpace = { (s: Unicode.Scalar) in s == "\t" || s == "\u{200B}" || s.properties.generalCategory == .spaceSeparator }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return Substring(scalars[first...last])
    }
}
