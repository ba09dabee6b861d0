import Digests
import LaravelQueue
import PHPFormats
import PHPSerialization
/// The JSON of `failed_job_ids`: a list of job uuids, written as PHP's `json_encode` writes strings
/// (`\/` and `\uXXXX` escapes) and read tolerantly (`(array) json_decode(…)`: anything else is empty).
enum BatchFailedJobIds {
    static func encode(_ strings: [String]) -> String {
        "[" + strings.map(encode).joined(separator: ",") + "]"
    }

    static func encode(_ string: String) -> String {
        var out = "\""
        for unit in string.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x2F: out += "\\/"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                out += "\\u" + Hex.string(unit)
            }
        }
        return out + "\""
    }

    /// The list's strings; numbers and booleans as their text (`1`, `1.5`, `1`/`0`), anything else dropped.
    static func decodeStrings(_ bytes: [UInt8]) -> [String] {
        guard case .array(let list)? = try? JSONParser.parse(bytes) else { return [] }
        return list.compactMap { element in
            switch element {
            case .string: return element.stringValue
            case .number(let n): return PHPStringCast.string(n.phpValue)
            case .bool(let b): return b ? "1" : "0"
            default: return nil
            }
        }
    }
}
