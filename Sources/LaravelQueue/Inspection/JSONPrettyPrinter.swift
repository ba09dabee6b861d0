import PHPFormats
/// Indented JSON for people (`shuttle inspect`): 2 spaces, `"key": value`, members in stored order,
/// unicode and slashes unescaped. Strings are escaped by `JSONWriter`, so the text stays valid JSON.
public enum JSONPrettyPrinter {
    public static func print(_ value: JSONValue, indent: Int = 2) throws -> String {
        var out: [UInt8] = []
        try write(value, level: 0, indent: indent, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let options: JSONWriter.Options = [.unescapedUnicode, .unescapedSlashes]

    private static func write(_ value: JSONValue, level: Int, indent: Int, into out: inout [UInt8]) throws {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                pad(level + 1, indent, &out)
                try write(element, level: level + 1, indent: indent, into: &out)
            }
            out.append(0x0A)
            pad(level, indent, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                pad(level + 1, indent, &out)
                try JSONWriter.writeString(Array(member.key.utf8), options, &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                try write(member.value, level: level + 1, indent: indent, into: &out)
            }
            out.append(0x0A)
            pad(level, indent, &out)
            out.append(UInt8(ascii: "}"))
        default:
            out.append(contentsOf: try JSONWriter.encode(value, options: options))
        }
    }

    private static func pad(_ level: Int, _ indent: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * indent))
    }
}
