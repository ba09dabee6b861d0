/// Writes PHP's `serialize()` format byte for byte as PHP 8 does (floats: `serialize_precision = -1`).
///
/// Values are written as given: array keys are not re-normalized (build them with `PHPArrayKey.normalized`
/// or `.string(_:)` to get PHP's int keys), and `r:`/`R:` slot numbers are the caller's responsibility.
public enum PHPSerializer {
    public static func serialize(_ value: PHPValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(value, into: &out)
        return out
    }

    /// Appends the serialization of `value` to `out`.
    public static func write(_ value: PHPValue, into out: inout [UInt8]) {
        switch value {
        case .null:
            out += [UInt8(ascii: "N"), UInt8(ascii: ";")]
        case .bool(let b):
            out += Array((b ? "b:1;" : "b:0;").utf8)
        case .int(let i):
            tagged("i", String(i), into: &out)
        case .double(let d):
            tagged("d", PHPFloatFormat.serialize(d), into: &out)
        case .string(let bytes):
            writeString(bytes, into: &out)
        case .array(let array):
            append("a:\(array.count):{", to: &out)
            for entry in array.entries {
                switch entry.key {
                case .int(let i): tagged("i", String(i), into: &out)
                case .string(let s): writeString(s, into: &out)
                }
                write(entry.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .object(let object):
            let name = Array(object.className.utf8)
            append("O:\(name.count):\"", to: &out)
            out += name
            append("\":\(object.properties.count):{", to: &out)
            for property in object.properties {
                writeString(property.mangledName, into: &out)
                write(property.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .custom(let className, let data):
            let name = Array(className.utf8)
            append("C:\(name.count):\"", to: &out)
            out += name
            append("\":\(data.count):{", to: &out)
            out += data
            out.append(UInt8(ascii: "}"))
        case .enumCase(let className, let caseName):
            let text = Array("\(className):\(caseName)".utf8)
            append("E:\(text.count):\"", to: &out)
            out += text
            out += [UInt8(ascii: "\""), UInt8(ascii: ";")]
        case .objectReference(let slot):
            tagged("r", String(slot), into: &out)
        case .reference(let slot):
            tagged("R", String(slot), into: &out)
        }
    }

    private static func writeString(_ bytes: [UInt8], into out: inout [UInt8]) {
        append("s:\(bytes.count):\"", to: &out)
        out += bytes
        out += [UInt8(ascii: "\""), UInt8(ascii: ";")]
    }

    /// `<tag>:<text>;`
    private static func tagged(_ tag: Unicode.Scalar, _ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: tag))
        out.append(UInt8(ascii: ":"))
        out += text.utf8
        out.append(UInt8(ascii: ";"))
    }

    private static func append(_ text: String, to out: inout [UInt8]) { out += text.utf8 }
}
