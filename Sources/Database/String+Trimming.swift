/// Trimming without Foundation (whose `trimmingCharacters(in:)` comes with ICU), on Unicode scalars as
/// Foundation's character sets work.
extension String {
    /// Without leading and trailing `White_Space` scalars and U+200B: Foundation's `.whitespacesAndNewlines`.
    func trimmingWhitespace() -> Substring {
        trimming { $0.properties.isWhitespace || $0 == "\u{200B}" }
    }

    /// Without the padding SQLite may leave around a number stored as text (space, tab, CR, LF).
    func trimmingSQLNumberPadding() -> Substring {
        trimming { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    }

    private func trimming(_ skip: (Unicode.Scalar) -> Bool) -> Substring {
        guard let first = unicodeScalars.firstIndex(where: { !skip($0) }),
              let last = unicodeScalars.lastIndex(where: { !skip($0) }) else { return "" }
        return Substring(unicodeScalars[first...last])
    }
}
