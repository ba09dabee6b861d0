import PHPSerialization
/// Parses `.env` text the way vlucas/phpdotenv 5 (Laravel 8 – 13) does, so Shuttle sees the same values as PHP.
///
/// The rules, faithfully: lines split on CR, LF or CRLF; a line holding `="` without its closing quote
/// starts a multi-line value that runs to the next line with an unescaped `"`; blank lines and lines
/// starting with `#` are skipped; `export NAME=` is accepted; names are `[A-Za-z0-9_.]+`. Unquoted
/// values end at `#` (even without a space before it) and may not contain whitespace; single quotes
/// are literal; double quotes understand `\"` `\\` `\$` `\f` `\n` `\r` `\t` `\v`. `${NAME}` is
/// interpolated in unquoted and double-quoted values (see `DotEnvValue.resolved`).
///
/// One deliberate difference: phpdotenv silently drops an unterminated multi-line value *and every line
/// after it*; Shuttle reports it as an error instead of running with half a configuration.
public enum DotEnvParser {
    /// Parses `contents`; `file` is only used to locate errors.
    public static func parse(_ contents: String, file: String = ".env") throws(DotEnvError) -> [DotEnvEntry] {
        var entries: [DotEnvEntry] = []
        for (line, text) in try logicalLines(contents, file: file) {
            do throws(Failure) {
                entries.append(try entry(text, line: line))
            } catch {
                throw DotEnvError(file: file, line: line, message: error.message)
            }
        }
        return entries
    }

    struct Failure: Error {
        let message: String
        init(_ cause: String, at subject: [UInt8]) {
            // phpdotenv quotes only the subject's first line (`strtok($subject, "\n")`).
            let firstLine = subject.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).first ?? []
            message = "Encountered \(cause) at [\(String(decoding: firstLine, as: UTF8.self))]."
        }
    }

    // MARK: Lines

    /// Physical lines grouped into entries (multi-line values joined with LF), with their first line number.
    static func logicalLines(_ contents: String, file: String) throws(DotEnvError) -> [(Int, [UInt8])] {
        var bytes = Array(contents.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var output: [(Int, [UInt8])] = []
        var buffer: [[UInt8]] = []
        var bufferStart = 0
        for (index, line) in physicalLines(bytes).enumerated() {
            let started = contains(line, [UInt8(ascii: "="), UInt8(ascii: "\"")]) && !looksLikeMultilineStop(line, started: true)
            if started || !buffer.isEmpty {
                if buffer.isEmpty { bufferStart = index + 1 }
                buffer.append(line)
                if looksLikeMultilineStop(line, started: started) {
                    output.append((bufferStart, Array(buffer.joined(separator: [UInt8(ascii: "\n")]))))
                    buffer = []
                }
                continue
            }
            if !isCommentOrWhitespace(line) { output.append((index + 1, line)) }
        }
        if let first = buffer.first {
            throw DotEnvError(file: file, line: bufferStart, message: Failure("a missing closing quote", at: first).message)
        }
        return output
    }

    static func physicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                lines.append(current)
                current = []
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else {
                current.append(byte)
            }
            index += 1
        }
        lines.append(current)
        return lines
    }

    /// A line ends a multi-line value when it is a lone `"` or holds an unescaped `"` (two on the first line).
    static func looksLikeMultilineStop(_ line: [UInt8], started: Bool) -> Bool {
        if line == [UInt8(ascii: "\"")] { return true }
        // Escaped backslashes cannot escape the quote after them: drop them before counting.
        let stripped = replacing(line, [0x5C, 0x5C], with: [])
        var count = 0
        for index in stripped.indices.dropFirst() where stripped[index] == UInt8(ascii: "\"") && stripped[index - 1] != 0x5C {
            count += 1
        }
        return started ? count > 1 : count >= 1
    }

    static func isCommentOrWhitespace(_ line: [UInt8]) -> Bool {
        let trimmed = phpTrim(line)
        return trimmed.isEmpty || trimmed.first == UInt8(ascii: "#")
    }

    // MARK: Entries

    static func entry(_ text: [UInt8], line: Int) throws(Failure) -> DotEnvEntry {
        let rawName: [UInt8]
        var rawValue: [UInt8]?
        if let equals = text.firstIndex(of: UInt8(ascii: "=")) {
            rawName = phpTrim(Array(text[..<equals]))
            rawValue = phpTrim(Array(text[(equals + 1)...]))
            if rawName.isEmpty { throw Failure("an unexpected equals", at: text) }
        } else {
            rawName = text
        }
        let name = try parseName(rawName)
        guard let value = rawValue else { return DotEnvEntry(name: name, value: nil, line: line) }
        return DotEnvEntry(name: name, value: try parseValue(value), line: line)
    }

    static func parseName(_ raw: [UInt8]) throws(Failure) -> String {
        var name = raw
        let scalars = Array(String(decoding: raw, as: UTF8.self).unicodeScalars)
        if scalars.count > 8, name.starts(with: Array("export".utf8)), isCtypeSpace(name[6]) {
            name = Array(name[6...].drop(while: isPHPTrimmed))
        }
        if name.count >= 3, let first = name.first, first == name.last,
           first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            name = Array(name.dropFirst().dropLast())
        }
        guard !name.isEmpty, name.allSatisfy(isNameByte) else { throw Failure("an invalid name", at: name) }
        return String(decoding: name, as: UTF8.self)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }

    enum State: Equatable { case initial, unquoted, singleQuoted, doubleQuoted, escape, whitespace, comment }

    static func parseValue(_ raw: [UInt8]) throws(Failure) -> DotEnvValue {
        var value = DotEnvValue()
        if raw.isEmpty { return value }
        var state = State.initial
        for token in DotEnvLexer.tokens(raw) {
            let step: ([UInt8], Bool, State)
            do throws(Cause) {
                step = try transition(state, token)
            } catch {
                throw Failure(error.text, at: raw)
            }
            let (text, isVariable, next) = step
            if isVariable { value.variableOffsets.append(value.bytes.count) }
            value.bytes += text
            state = next
        }
        if state == .singleQuoted || state == .doubleQuoted || state == .escape {
            throw Failure("a missing closing quote", at: raw)
        }
        return value
    }

    /// One step of phpdotenv's value state machine: bytes to append, whether they start a `${…}`, next state.
    struct Cause: Error { let text: String }

    static func transition(_ state: State, _ token: [UInt8]) throws(Cause) -> ([UInt8], Bool, State) {
        let single = token.count == 1 ? token[0] : nil
        switch state {
        case .initial, .unquoted:
            switch single {
            case UInt8(ascii: "'") where state == .initial: return ([], false, .singleQuoted)
            case UInt8(ascii: "\"") where state == .initial: return ([], false, .doubleQuoted)
            case UInt8(ascii: "#"): return ([], false, .comment)
            case UInt8(ascii: "$"): return (token, true, .unquoted)
            default:
                if state == .unquoted, token.allSatisfy(isCtypeSpace) { return ([], false, .whitespace) }
                return (token, false, .unquoted)
            }
        case .singleQuoted:
            return single == UInt8(ascii: "'") ? ([], false, .whitespace) : (token, false, .singleQuoted)
        case .doubleQuoted:
            switch single {
            case UInt8(ascii: "\""): return ([], false, .whitespace)
            case 0x5C: return ([], false, .escape)
            case UInt8(ascii: "$"): return (token, true, .doubleQuoted)
            default: return (token, false, .doubleQuoted)
            }
        case .escape:
            if single == UInt8(ascii: "\"") || single == 0x5C || single == UInt8(ascii: "$") {
                return (token, false, .doubleQuoted)
            }
            let escapes: [UInt8: UInt8] = [
                UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D,
                UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B,
            ]
            guard let first = token.first, let escaped = escapes[first] else {
                throw Cause(text: "an unexpected escape sequence")
            }
            return ([escaped] + token.dropFirst(), false, .doubleQuoted)
        case .whitespace:
            if single == UInt8(ascii: "#") { return ([], false, .comment) }
            guard token.allSatisfy(isCtypeSpace) else { throw Cause(text: "unexpected whitespace") }
            return ([], false, .whitespace)
        case .comment:
            return ([], false, .comment)
        }
    }

    // MARK: Byte helpers

    /// PHP `trim()`'s default set: space, tab, LF, CR, NUL, vertical tab.
    static func isPHPTrimmed(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x00 || byte == 0x0B
    }

    static func phpTrim(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.drop(while: isPHPTrimmed).reversed().drop(while: isPHPTrimmed).reversed())
    }

    /// PHP `ctype_space()` per byte: space, tab, LF, CR, vertical tab, form feed.
    static func isCtypeSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func replacing(_ bytes: [UInt8], _ needle: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if index + needle.count <= bytes.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                result += replacement
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }
}
