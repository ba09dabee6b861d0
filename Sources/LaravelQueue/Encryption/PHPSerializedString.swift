import PHPFormats
/// The one PHP `serialize()` form `Encrypter` needs: a string, `s:<byte length>:"<bytes>";`.
///
/// Laravel's `encrypt()` serializes its argument; for a queued job that argument is already the job's
/// `serialize()` text, hence the double serialization of §5.8. Handled here, exactly, so the encrypter does
/// not depend on the general PHP unserializer.
enum PHPSerializedString {
    static func serialize(_ bytes: [UInt8]) -> [UInt8] {
        Array("s:\(bytes.count):\"".utf8) + bytes + Array("\";".utf8)
    }

    /// Returns the string's bytes; the input must be exactly one serialized string and nothing else.
    static func unserialize(_ data: [UInt8]) throws(EncryptionError) -> [UInt8] {
        guard data.count >= 2, data[0] == UInt8(ascii: "s"), data[1] == UInt8(ascii: ":") else {
            let start = String(decoding: data.prefix(2), as: UTF8.self)
            throw .unserializeFailed("expected a PHP serialized string (s:<length>:\"…\";) but it starts with \"\(start)\"; "
                + "decrypt without unserializing and decode it with a PHP unserializer")
        }
        var index = 2
        var length = 0
        let digitsStart = index
        while index < data.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(data[index]) {
            guard index - digitsStart < 18 else { throw .unserializeFailed("the string length is too long") }
            length = length * 10 + Int(data[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > digitsStart else { throw .unserializeFailed("the string length is missing after \"s:\"") }
        guard index + 1 < data.count, data[index] == UInt8(ascii: ":"), data[index + 1] == UInt8(ascii: "\"") else {
            throw .unserializeFailed("expected :\" after the length \(length)")
        }
        let bodyStart = index + 2
        guard data.count - bodyStart == length + 2 else {
            let present = max(0, data.count - bodyStart - 2)
            throw .unserializeFailed("the declared length \(length) does not match the \(present) bytes between the quotes")
        }
        guard data[bodyStart + length] == UInt8(ascii: "\""), data[bodyStart + length + 1] == UInt8(ascii: ";") else {
            throw .unserializeFailed("expected \"; after the \(length) bytes of the string")
        }
        return Array(data[bodyStart..<(bodyStart + length)])
    }
}
