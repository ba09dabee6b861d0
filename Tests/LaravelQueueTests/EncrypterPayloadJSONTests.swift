@testable import LaravelQueue
import XCTest

/// The encryption payload's JSON reader accepts what any JSON writer may produce for that object.
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
            (#"{"iv":"a",}"#, "expected a member name at byte 10"),
            (#"{"iv":"a"} x"#, "unexpected text after the object at byte 11"),
            (#"{"iv":"\x"}"#, "invalid escape at byte 9"),
            (#"{"iv":"\ud800"}"#, "lone high surrogate at byte 13"),
            (#"{"n":01}"#, "expected '}' at byte 6"),
            (#"{"n":tru}"#, "invalid literal at byte 8"),
            ("{\"iv\":\"a\u{01}\"}", "control character in a string at byte 9"),
            ("", "empty input at byte 0"),
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
            XCTAssertEqual(error as? EncryptionError, .payloadInvalid("the decoded text is not a JSON object (nested too deeply at byte 69)"))
        }
    }

    func testInvalidUTF8InAStringIsRejected() {
        XCTAssertThrowsError(try EncryptedPayload.parse(Array(#"{"iv":""#.utf8) + [0xC3] + Array(#""}"#.utf8))) { error in
            XCTAssertEqual(error as? EncryptionError, .payloadInvalid("the decoded text is not a JSON object (invalid UTF-8 in the string starting at byte 6)"))
        }
    }
}
