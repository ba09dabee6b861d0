import PHPSerialization
/// One `NAME=value` entry of a `.env` file, before `${VAR}` interpolation.
///
/// Interpolation is deferred because phpdotenv resolves against the repository *as it is while loading*
/// (the process environment plus the entries loaded so far), not against the file alone.
public struct DotEnvEntry: Equatable, Sendable {
    /// The variable name (`export ` and surrounding quotes removed).
    public let name: String
    /// `nil` for a bare `NAME` line, which *clears* the variable (phpdotenv semantics).
    public let value: DotEnvValue?
    /// First physical line of the entry (1-based).
    public let line: Int
}

/// A parsed value: its characters plus where an interpolation (`$`) may start.
public struct DotEnvValue: Equatable, Sendable {
    /// The value's bytes (UTF-8) after quote and escape processing.
    public var bytes: [UInt8]
    /// Byte offsets of `$` characters eligible for `${NAME}` interpolation (not escaped, not single-quoted).
    public var variableOffsets: [Int]

    public init(bytes: [UInt8] = [], variableOffsets: [Int] = []) {
        self.bytes = bytes
        self.variableOffsets = variableOffsets
    }

    /// The value with `${NAME}` references replaced by `lookup(NAME)`; unknown names stay literal.
    ///
    /// Offsets are processed right to left, as phpdotenv does, so an earlier reference sees later
    /// substitutions.
    public func resolved(_ lookup: (String) -> String?) -> String {
        var result = bytes
        for offset in variableOffsets.sorted(by: >) {
            let tail = Array(result[offset...])
            guard let (name, length) = Self.reference(at: tail), let replacement = lookup(name) else { continue }
            result = Array(result[..<offset]) + Array(replacement.utf8) + Array(tail[length...])
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Matches `${NAME}` (NAME of `[A-Za-z0-9_.]`) at the start of `bytes`: the name and the match length.
    static func reference(at bytes: [UInt8]) -> (String, Int)? {
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "{") else { return nil }
        var index = 2
        while index < bytes.count, DotEnvParser.isNameByte(bytes[index]) { index += 1 }
        guard index > 2, index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
        return (String(decoding: bytes[2..<index], as: UTF8.self), index + 1)
    }
}
