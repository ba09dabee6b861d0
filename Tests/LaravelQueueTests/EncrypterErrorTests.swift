import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import XCTest

/// Every way a key, cipher or payload can be wrong yields its own error, checked by case and by message.
final class EncrypterErrorTests: XCTestCase {
    let appKey = "base64:" + Data((0..<32).map { UInt8($0) }).base64EncodedString()
    let otherKey = "base64:" + Data((0..<32).map { UInt8($0 + 100) }).base64EncodedString()

    func encrypter(_ cipher: Cipher = .aes256CBC, key: String? = nil) throws -> Encrypter {
        try Encrypter(appKey: key ?? appKey, cipher: cipher.rawValue)
    }

    /// Decrypts and returns the error (failing the test when decryption succeeds).
    func error(decrypting payload: String, with encrypter: Encrypter, file: StaticString = #filePath, line: UInt = #line) -> EncryptionError? {
        do {
            let plaintext = try encrypter.decrypt(payload)
            XCTFail("decryption unexpectedly succeeded: \(plaintext)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func members(_ payload: String) throws -> [String: String] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(Data(base64Encoded: payload))) as? [String: String])
    }

    /// Re-encodes members (JSONSerialization may escape "/" as "\/", which the reader must accept anyway).
    func payload(_ members: [String: Any]) throws -> String {
        try JSONSerialization.data(withJSONObject: members).base64EncodedString()
    }

    /// Replaces the character at `offset` with a different one from the same alphabet.
    func flip(_ text: String, at offset: Int, alphabet: String) -> String {
        var characters = Array(text)
        let options = Array(alphabet)
        let next = options.firstIndex(of: characters[offset]).map { ($0 + 1) % options.count } ?? 0
        characters[offset] = options[next]
        return String(characters)
    }

    static let hexDigits = "0123456789abcdef"
    static let base64Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

    func testTamperedMacIsMacInvalid() throws {
        let encrypter = try encrypter()
        var fields = try members(try encrypter.encrypt(Array("secret".utf8)))
        fields["mac"] = flip(fields["mac"]!, at: 10, alphabet: Self.hexDigits)
        let failure = error(decrypting: try payload(fields), with: encrypter)
        XCTAssertEqual(failure, .macInvalid(keysTried: 1))
        XCTAssertTrue(failure?.description.hasPrefix("The MAC is invalid") == true, failure?.description ?? "")
        XCTAssertTrue(failure?.description.contains("1 key") == true, failure?.description ?? "")
    }

    func testMalformedMacIsAPayloadError() throws {
        let encrypter = try encrypter()
        var fields = try members(try encrypter.encrypt(Array("secret".utf8)))
        for bad in ["", "zz", fields["mac"]!.uppercased(), String(fields["mac"]!.dropLast())] {
            fields["mac"] = bad
            let failure = error(decrypting: try payload(fields), with: encrypter)
            XCTAssertEqual(failure, .payloadInvalid("\"mac\" is not 64 lowercase hex digits (it has \(bad.count) characters)"), bad)
        }
    }

    func testTamperedValueOrIVIsMacInvalid() throws {
        let encrypter = try encrypter()
        let original = try members(try encrypter.encrypt(Array("a longer secret, two blocks".utf8)))
        var fields = original
        fields["value"] = flip(fields["value"]!, at: 3, alphabet: Self.base64Letters)
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .macInvalid(keysTried: 1))
        fields = original
        fields["iv"] = flip(fields["iv"]!, at: 0, alphabet: Self.base64Letters)
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .macInvalid(keysTried: 1))
    }

    func testWrongKeyIsMacInvalidAndCountsTheKeysTried() throws {
        let payload = try encrypter().encrypt(Array("secret".utf8))
        XCTAssertEqual(error(decrypting: payload, with: try encrypter(key: otherKey)), .macInvalid(keysTried: 1))
        let withPrevious = try Encrypter(appKey: otherKey, previousKeys: "\(otherKey),base64:\(Data(repeating: 9, count: 32).base64EncodedString())")
        let failure = error(decrypting: payload, with: withPrevious)
        XCTAssertEqual(failure, .macInvalid(keysTried: 3))
        XCTAssertTrue(failure?.description.contains("3 keys (the current key and 2 previous)") == true, failure?.description ?? "")
    }

    func testGCMTamperingAndWrongKeyAreTagInvalid() throws {
        let encrypter = try encrypter(.aes256GCM)
        let original = try members(try encrypter.encrypt(Array("gcm secret".utf8)))
        XCTAssertEqual(original["mac"], "")
        for member in ["value", "iv", "tag"] {
            var fields = original
            fields[member] = flip(fields[member]!, at: 1, alphabet: Self.base64Letters)
            XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .tagInvalid(keysTried: 1), member)
        }
        let failure = error(decrypting: try payload(original), with: try self.encrypter(.aes256GCM, key: otherKey))
        XCTAssertEqual(failure, .tagInvalid(keysTried: 1))
        XCTAssertTrue(failure?.description.hasPrefix("The GCM authentication tag is invalid") == true, failure?.description ?? "")
    }

    func testGCMTagProblemsArePayloadErrors() throws {
        let encrypter = try encrypter(.aes128GCM, key: "base64:" + Data(repeating: 1, count: 16).base64EncodedString())
        var fields = try members(try encrypter.encrypt(Array("x".utf8)))
        fields["tag"] = ""
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter),
                       .payloadInvalid("it has no authentication tag, which AES-128-GCM needs (was it encrypted with a CBC cipher? check app.cipher)"))
        fields["tag"] = Data(repeating: 0, count: 12).base64EncodedString()
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .payloadInvalid("the tag is 12 bytes, expected 16"))
        fields["tag"] = "!!"
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .payloadInvalid("\"tag\" is not valid base64"))
    }

    func testTruncatedOrGarbageBase64() throws {
        let encrypter = try encrypter()
        let good = try encrypter.encrypt(Array("secret".utf8))
        for bad in [String(good.dropLast(3)), "%%%not base64%%%", good + "x"] {
            XCTAssertEqual(error(decrypting: bad, with: encrypter), .payloadInvalid("it is not valid base64"), bad)
        }
        XCTAssertEqual(error(decrypting: "", with: encrypter), .payloadInvalid("it is empty"))
    }

    func testBadJSON() throws {
        let encrypter = try encrypter()
        func wrap(_ json: String) -> String { Data(json.utf8).base64EncodedString() }
        guard case .payloadInvalid(let notJSON)? = error(decrypting: wrap("hello"), with: encrypter) else { return XCTFail("not a payload error") }
        XCTAssertEqual(notJSON, "the decoded text is not a JSON object (invalid JSON at byte 0: unexpected character)")
        XCTAssertEqual(error(decrypting: wrap("[1]"), with: encrypter), .payloadInvalid("the decoded text is not a JSON object"))
        guard case .payloadInvalid(let truncated)? = error(decrypting: wrap("{\"iv\":\"abc"), with: encrypter) else { return XCTFail("not a payload error") }
        XCTAssertTrue(truncated.contains("unterminated string"), truncated)
        XCTAssertEqual(error(decrypting: wrap("{\"iv\":\"a\",\"value\":\"b\"}"), with: encrypter), .payloadInvalid("the \"mac\" member is missing"))
        XCTAssertEqual(error(decrypting: wrap("{\"iv\":5,\"value\":\"b\",\"mac\":\"c\"}"), with: encrypter), .payloadInvalid("\"iv\" is a number, not a string"))
        XCTAssertEqual(error(decrypting: wrap("{\"iv\":\"a\",\"value\":\"b\",\"mac\":\"c\",\"tag\":[]}"), with: encrypter), .payloadInvalid("\"tag\" is an array, not a string"))
    }

    func testWrongIVLength() throws {
        let encrypter = try encrypter()
        var fields = try members(try encrypter.encrypt(Array("secret".utf8)))
        fields["iv"] = Data(repeating: 7, count: 8).base64EncodedString()
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .payloadInvalid("the IV is 8 bytes but AES-256-CBC needs 16"))
        fields["iv"] = "***"
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .payloadInvalid("\"iv\" is not valid base64"))
    }

    /// A payload written under another cipher is named as such rather than reported as tampering.
    func testCipherMismatchIsExplained() throws {
        let cbc = try encrypter(.aes256CBC), gcm = try encrypter(.aes256GCM)
        XCTAssertEqual(error(decrypting: try gcm.encrypt(Array("x".utf8)), with: cbc),
                       .payloadInvalid("the IV is 12 bytes but AES-256-CBC needs 16 (a GCM IV: was it encrypted with AES-*-GCM? check app.cipher)"))
        XCTAssertEqual(error(decrypting: try cbc.encrypt(Array("x".utf8)), with: gcm),
                       .payloadInvalid("the IV is 16 bytes but AES-256-GCM needs 12 (a CBC IV: was it encrypted with AES-*-CBC? check app.cipher)"))
        var fields = try members(try cbc.encrypt(Array("x".utf8)))
        fields["tag"] = Data(repeating: 0, count: 16).base64EncodedString()
        XCTAssertEqual(error(decrypting: try payload(fields), with: cbc),
                       .payloadInvalid("it has a tag but AES-256-CBC is not an AEAD cipher (was it encrypted with AES-*-GCM? check app.cipher)"))
    }

    func testValueNotWholeBlocks() throws {
        let encrypter = try encrypter()
        var fields = try members(try encrypter.encrypt(Array("secret".utf8)))
        fields["value"] = Data(repeating: 1, count: 20).base64EncodedString()
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .payloadInvalid("the value is 20 bytes, not a whole number of 16-byte AES blocks"))
        fields["value"] = "@@"
        XCTAssertEqual(error(decrypting: try payload(fields), with: encrypter), .payloadInvalid("\"value\" is not valid base64"))
    }

    func testUnsupportedCipher() {
        for name in ["AES-256-CTR", "chacha20-poly1305", "", "AES-256-CBC "] {
            XCTAssertThrowsError(try Encrypter(appKey: appKey, cipher: name)) { error in
                XCTAssertEqual(error as? EncryptionError, .unsupportedCipher(name))
                XCTAssertTrue("\(error)".contains("Supported ciphers are: AES-128-CBC, AES-256-CBC, AES-128-GCM, AES-256-GCM"), "\(error)")
            }
        }
    }

    func testKeyOfWrongLength() throws {
        XCTAssertThrowsError(try Encrypter(appKey: appKey, cipher: "AES-128-CBC")) { error in
            XCTAssertEqual(error as? EncryptionError, .invalidKey("APP_KEY is 32 bytes but AES-128-CBC needs 16"))
        }
        XCTAssertThrowsError(try Encrypter(appKey: "too-short-raw-key")) { error in
            XCTAssertEqual(error as? EncryptionError, .invalidKey("APP_KEY is 17 bytes but AES-256-CBC needs 32"))
        }
        XCTAssertThrowsError(try Encrypter(appKey: appKey, previousKeys: "\(otherKey),base64:AAAA")) { error in
            XCTAssertEqual(error as? EncryptionError, .invalidKey("APP_PREVIOUS_KEYS entry #2 is 3 bytes but AES-256-CBC needs 32"))
        }
        XCTAssertThrowsError(try Encrypter(key: EncryptionKey(bytes: [1, 2]), cipher: .aes128GCM)) { error in
            XCTAssertEqual(error as? EncryptionError, .invalidKey("the key is 2 bytes but AES-128-GCM needs 16"))
        }
    }

    func testUnparsableKeys() {
        XCTAssertThrowsError(try Encrypter(appKey: "")) { error in
            XCTAssertEqual(error as? EncryptionError, .invalidKey("APP_KEY: the key is empty (no APP_KEY set?)"))
        }
        XCTAssertThrowsError(try Encrypter(appKey: "base64:***")) { error in
            XCTAssertEqual(error as? EncryptionError, .invalidKey("APP_KEY: the text after \"base64:\" is not valid base64"))
        }
    }

    func testPlaintextThatIsNotASerializedString() throws {
        let encrypter = try encrypter()
        let array = try encrypter.encrypt(Array("a:1:{i:0;s:1:\"x\";}".utf8), serialize: false)
        guard case .unserializeFailed(let why)? = error(decrypting: array, with: encrypter) else { return XCTFail("not an unserialize error") }
        XCTAssertTrue(why.contains("starts with \"a:\""), why)
        let wrongLength = try encrypter.encrypt(Array("s:5:\"abc\";".utf8), serialize: false)
        // The declared length runs past the closing quote: PHPUnserializer's own message, with its offset.
        XCTAssertEqual(error(decrypting: wrongLength, with: encrypter),
                       .unserializeFailed("PHP unserialize failed at byte offset 10: unexpected end of input"))
        let trailing = try encrypter.encrypt(Array("s:3:\"abc\";i:1;".utf8), serialize: false)
        XCTAssertEqual(error(decrypting: trailing, with: encrypter),
                       .unserializeFailed("PHP unserialize failed at byte offset 10: trailing bytes after the value"))
    }

    /// The distinguishable failures read differently, so a log line says which one happened.
    func testMessagesAreDistinct() throws {
        let encrypter = try encrypter()
        let good = try encrypter.encrypt(Array("secret".utf8))
        var fields = try members(good)
        fields["mac"] = "zz"
        var badIV = try members(good)
        badIV["iv"] = Data(count: 4).base64EncodedString()
        let failures = [
            error(decrypting: good, with: try self.encrypter(key: otherKey)),
            error(decrypting: try payload(fields), with: encrypter),
            error(decrypting: try payload(badIV), with: encrypter),
            error(decrypting: "garbage!", with: encrypter),
            error(decrypting: Data("[]".utf8).base64EncodedString(), with: encrypter),
        ].map { $0?.description ?? "none" }
        XCTAssertEqual(Set(failures).count, failures.count, failures.joined(separator: "\n"))
    }
}
