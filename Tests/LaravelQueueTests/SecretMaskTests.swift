@testable import LaravelQueue
import PHPFormats
import XCTest

/// Secrets a job named are masked in every escaping a payload carries them in, one `*` per byte, so the JSON and
/// the PHP string lengths inside `data.command` stay valid.
final class SecretMaskTests: XCTestCase {
    func testMasksRawAndEscapedFormsKeepingLengths() throws {
        let secret = Array("se/cr\"et€".utf8)
        // As json_encode writes it (escaped slash, \u20ac) and as Laravel's payloads do (unescaped unicode).
        for options: JSONWriter.Options in [.plain, .laravelPayload, [.unescapedUnicode, .unescapedSlashes]] {
            let command = Array("a:1:{i:0;s:\(secret.count):\"".utf8) + secret + Array("\";}".utf8)
            let payload = try JSONWriter.encode(.object(JSONObject(["data": .object(JSONObject(["command": .string(command)]))])), options: options)
            let masked = SecretMask.mask(payload, secrets: [secret])
            XCTAssertFalse(String(decoding: masked, as: UTF8.self).contains("cr"), String(decoding: masked, as: UTF8.self))
            guard case .object(let root)? = try? JSONParser.parse(masked), case .object(let data)? = root["data"],
                  case .string(let text)? = data["command"] else { return XCTFail("still JSON") }
            let stars = [UInt8](repeating: UInt8(ascii: "*"), count: secret.count)
            XCTAssertEqual(text, Array("a:1:{i:0;s:\(secret.count):\"".utf8) + stars + Array("\";}".utf8))
        }
    }

    func testLeavesPayloadsWithoutTheSecretAlone() {
        let payload = Array(#"{"uuid":"x","data":{"command":"O:3:\"Job\":0:{}"}}"#.utf8)
        XCTAssertEqual(SecretMask.mask(payload, secrets: [Array("absent".utf8), []]), payload)
    }
}
