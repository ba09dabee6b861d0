import PHPFormats
import PHPSerialization

/// Reading PHP arrays the way the app's code does (shared by Spark's integrations): `$a['x'] ?? default`, `empty()`, `(int)`, `(string)`.
extension PHPValue {
    /// `$value['key']` with `??`: nil when this is not an array or the key is absent or null.
    package subscript(php key: String) -> PHPValue? {
        guard case .array(let array) = self, let value = array[key], value != .null else { return nil }
        return value
    }

    /// PHP's `empty()`: null, false, 0, 0.0, "", "0" and [] are empty.
    package var isEmptyInPHP: Bool { !isTruthy }

    /// `(int) $value`.
    package var phpInt: Int { PHPIntCast.int(self) }

    /// `(string) $value` for scalars.
    package var phpString: String { PHPStringCast.string(self) }

    /// The value as a JSON value for a JSON column, or null when PHP could not encode it.
    package var json: JSONValue { (try? PHPJSON.value(self)) ?? .null }
}

extension Optional where Wrapped == PHPValue {
    /// `empty($value)` for a value that may be missing.
    package var isEmptyInPHP: Bool { self?.isEmptyInPHP ?? true }

    /// Non-empty text, else nil (`!empty($x) ? (string) $x : null`).
    package var nonEmptyString: String? {
        guard let value = self, !value.isEmptyInPHP else { return nil }
        return value.phpString
    }
}
