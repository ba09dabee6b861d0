import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import XCTest

/// Round trips, key handling and payload layout of the Swift encrypter on its own.
final class EncrypterTests: XCTestCase {
    static func key(_ cipher: Cipher, seed: UInt8 = 1) -> EncryptionKey {
        EncryptionKey(bytes: (0..<cipher.keyLength).map { UInt8(truncatingIfNeeded: Int($0) * 31 + Int(seed)) })
    }

    func testRoundTripForEveryCipherAndMode() throws {
        let plaintexts: [[UInt8]] = [[], Array("x".utf8), Array(repeating: 0xAB, count: 16), (0...255).map { UInt8($0) }]
        for cipher in Cipher.allCases {
            let encrypter = try Encrypter(key: Self.key(cipher), cipher: cipher)
            for plaintext in plaintexts {
                for serialize in [true, false] {
                    let payload = try encrypter.encrypt(plaintext, serialize: serialize)
                    XCTAssertEqual(try encrypter.decrypt(payload, unserialize: serialize), plaintext, "\(cipher) \(plaintext.count) bytes serialize=\(serialize)")
                }
            }
        }
    }

    func testSerializeWrapsThePlaintextAsAPHPString() throws {
        let encrypter = try Encrypter(key: Self.key(.aes256CBC))
        let payload = try encrypter.encrypt(Array("héllo".utf8))
        XCTAssertEqual(try encrypter.decrypt(payload, unserialize: false), Array("s:6:\"héllo\";".utf8))
        XCTAssertEqual(try encrypter.decryptCommand(try encrypter.encryptCommand(Array("O:8:\"stdClass\":0:{}".utf8))), Array("O:8:\"stdClass\":0:{}".utf8))
    }

    func testEveryEncryptionUsesAFreshIV() throws {
        let encrypter = try Encrypter(key: Self.key(.aes128GCM), cipher: .aes128GCM)
        let payloads = try (0..<20).map { _ in try encrypter.encrypt(Array("same".utf8)) }
        XCTAssertEqual(Set(payloads).count, payloads.count)
    }

    /// `{"iv":"…","value":"…","mac":"…","tag":"…"}`: Laravel's order, no whitespace, no `\/`.
    func testPayloadLayout() throws {
        for cipher in Cipher.allCases {
            let encrypter = try Encrypter(key: Self.key(cipher), cipher: cipher)
            let payload = try encrypter.encrypt(Array(repeating: 0x2F, count: 300), serialize: false)
            XCTAssertTrue(payload.hasPrefix("eyJpdiI6"), payload)
            let json = String(decoding: try XCTUnwrap(Data(base64Encoded: payload)), as: UTF8.self)
            let mac = cipher.isAEAD ? "" : "[0-9a-f]{64}"
            let tag = cipher.isAEAD ? "[A-Za-z0-9+/]{22}==" : ""
            let ivLength = cipher.ivLength == 16 ? "[A-Za-z0-9+/]{22}==" : "[A-Za-z0-9+/]{16}"
            let pattern = "^\\{\"iv\":\"\(ivLength)\",\"value\":\"[A-Za-z0-9+/=]+\",\"mac\":\"\(mac)\",\"tag\":\"\(tag)\"\\}$"
            XCTAssertNotNil(json.range(of: pattern, options: .regularExpression), "\(cipher): \(json)")
        }
    }

    func testMacIsHMACOfBase64IVAndValue() throws {
        let key = Self.key(.aes256CBC)
        let encrypter = try Encrypter(key: key)
        let json = try XCTUnwrap(Data(base64Encoded: try encrypter.encrypt(Array("m".utf8))))
        let payload = try EncryptedPayload.parse([UInt8](json))
        let expected = HMACSHA256.hex(key: key.bytes, message: Array((payload.iv + payload.value).utf8))
        XCTAssertEqual(Array(payload.mac.utf8), expected)
        XCTAssertNotEqual(Array(payload.mac.utf8), HMACSHA256.hex(key: key.bytes, message: Array((payload.value + payload.iv).utf8)))
    }

    /// RFC 4231 test case 2, so the helper itself is checked against a published value.
    func testHMACKnownAnswer() {
        XCTAssertEqual(String(decoding: HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)), as: UTF8.self),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testPreviousKeysDecryptButNeverEncrypt() throws {
        for cipher in Cipher.allCases {
            let old = Self.key(cipher, seed: 1), new = Self.key(cipher, seed: 2), older = Self.key(cipher, seed: 3)
            let oldPayload = try Encrypter(key: old, cipher: cipher).encrypt(Array("old".utf8))
            let olderPayload = try Encrypter(key: older, cipher: cipher).encrypt(Array("older".utf8))
            let rotated = try Encrypter(key: new, cipher: cipher, previousKeys: [old, older])
            XCTAssertEqual(try rotated.decrypt(oldPayload), Array("old".utf8), "\(cipher)")
            XCTAssertEqual(try rotated.decrypt(olderPayload), Array("older".utf8), "\(cipher)")
            let newPayload = try rotated.encrypt(Array("new".utf8))
            XCTAssertEqual(try Encrypter(key: new, cipher: cipher).decrypt(newPayload), Array("new".utf8), "\(cipher)")
            XCTAssertThrowsError(try Encrypter(key: old, cipher: cipher).decrypt(newPayload), "\(cipher): encrypted with a previous key")
        }
    }

    func testAppKeyStringsAndPreviousKeysList() throws {
        let raw32 = "0123456789abcdef0123456789abcdef"
        let base64Key = "base64:" + Data(raw32.utf8).base64EncodedString()
        XCTAssertEqual(try EncryptionKey(appKey: base64Key), try EncryptionKey(appKey: raw32))
        let oldPayload = try Encrypter(appKey: "base64:" + Data(repeating: 5, count: 32).base64EncodedString()).encrypt(Array("p".utf8))
        // Empty entries are skipped, as Laravel's array_filter(explode(',', …)) does.
        let rotated = try Encrypter(appKey: raw32, previousKeys: ",\(base64Key),,base64:\(Data(repeating: 5, count: 32).base64EncodedString()),")
        XCTAssertEqual(try rotated.decrypt(oldPayload), Array("p".utf8))
        XCTAssertEqual(try Encrypter(appKey: raw32, previousKeys: "").decrypt(try rotated.encrypt([1])), [1])
    }

    func testCipherNamesAreCaseInsensitive() throws {
        XCTAssertEqual(try Cipher(name: "aes-256-cbc"), .aes256CBC)
        XCTAssertEqual(try Cipher(name: "Aes-128-Gcm"), .aes128GCM)
        XCTAssertEqual(try Encrypter(appKey: "0123456789abcdef", cipher: "aes-128-cbc").cipher, .aes128CBC)
        XCTAssertEqual(Cipher.allCases.map { [$0.keyLength, $0.ivLength] }, [[16, 16], [32, 16], [16, 12], [32, 12]])
    }

    func testKeyDescriptionHidesTheKey() throws {
        let key = try EncryptionKey(appKey: "base64:cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM=")
        XCTAssertEqual("\(key)", "EncryptionKey(32 bytes)")
        XCTAssertFalse(String(reflecting: key).contains("peer"))
    }
}
