@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import XCTest

/// The encryption payload is read with `JSONParser`: whatever a JSON writer may produce for that object,
/// and a clear error with the byte offset for anything else.
final class EncrypterPayloadJSONTests: XCTestCase {
    func parse(_ json: String) throws -> EncryptedPayload {
        try EncryptedPayload.parse(Array(json.utf8))
    }

    func testWrittenBytesReadBack() throws {
        let payload = EncryptedPayload(iv: "a/b+==", value: "v/v", mac: "0f", tag: "")
        XCTAssertEqual(String(decoding: payload.json(), as: UTF8.self), #"{"iv":"a/b+==","value":"v/v","mac":"0f","tag":""}"#)
        XCTAssertEqual(try EncryptedPayload.parse(payload.json()), payload)
    }

    func testWhitespaceOrderEscapesAndExtraMembers() throws {
        let json = """
            { "tag" : null, "extra": {"n": [1, -2.5e3, true, false, null, "x"]},
              "mac":"ab", "value" : "a\\/b\\u002Bc", "iv":"\\ud83d\\ude00é\\n" }\r\n
            """
        XCTAssertEqual(try parse(json), EncryptedPayload(iv: "😀é\n", value: "a/b+c", mac: "ab", tag: nil))
    }

    func testDuplicateMembersKeepTheLastLikePHP() throws {
        XCTAssertEqual(try parse(#"{"iv":"1","value":"v","mac":"m","iv":"2"}"#).iv, "2")
    }

    func testMalformedJSONIsRejectedWithItsPosition() {
        let cases: [(String, String)] = [
            (#"{"iv":"a",}"#, "invalid JSON at byte 10: expected a member name"),
            (#"{"iv":"a"} x"#, "invalid JSON at byte 11: unexpected data after the value"),
            (#"{"iv":"\x"}"#, "invalid JSON at byte 8: invalid escape"),
            (#"{"iv":"\ud800"}"#, "invalid JSON at byte 13: unpaired high surrogate"),
            (#"{"n":01}"#, "invalid JSON at byte 5: malformed number"),
            (#"{"n":tru}"#, "invalid JSON at byte 5: unknown literal"),
            ("{\"iv\":\"a\u{01}\"}", "invalid JSON at byte 8: raw control character in string"),
            ("", "invalid JSON at byte 0: unexpected end of input"),
        ]
        for (json, reason) in cases {
            XCTAssertThrowsError(try parse(json), json) { error in
                XCTAssertEqual(error as? EncryptionError, .payloadInvalid("the decoded text is not a JSON object (\(reason))"), json)
            }
        }
    }

    func testDeepNestingIsRejectedNotOverflowed() {
        let json = "{\"x\":" + String(repeating: "[", count: 10_000) + "}"
        XCTAssertThrowsError(try parse(json)) { error in
            XCTAssertEqual(error as? EncryptionError, .payloadInvalid("the decoded text is not a JSON object (invalid JSON at byte 516: nesting too deep)"))
        }
    }

    func testInvalidUTF8InAStringIsRejected() {
        XCTAssertThrowsError(try EncryptedPayload.parse(Array(#"{"iv":""#.utf8) + [0xC3] + Array(#""}"#.utf8))) { error in
            XCTAssertEqual(error as? EncryptionError, .payloadInvalid("the decoded text is not a JSON object (invalid JSON at byte 7: invalid UTF-8)"))
        }
    }
}
