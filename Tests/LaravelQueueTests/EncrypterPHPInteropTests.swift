import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

/// Live cross-checks against Debian's Laravel 8.83 `Illuminate\Encryption\Encrypter` (php-cli): PHP encrypts
/// and Swift decrypts, and the reverse, for all four ciphers (8.83 supports GCM), with and without
/// serialization, and for queue commands (`encrypt(serialize($job))`).
final class EncrypterPHPInteropTests: XCTestCase {
    /// Bytes that exercise serialization lengths and binary safety: quotes, `";`, NUL, non-UTF-8, multi-byte.
    static let awkwardPlaintext: [UInt8] = Array("say \"hi\"; s:3:\"x\"; é/\\".utf8) + [0, 0xff, 0xfe, 0x80] + Array(repeating: 0x41, count: 40)

    static let key32 = "base64:" + Data((0..<32).map { UInt8($0 * 7 & 0xff) }).base64EncodedString()
    static let key16 = "base64:" + Data((0..<16).map { UInt8(($0 * 13 + 5) & 0xff) }).base64EncodedString()

    static func appKey(for cipher: Cipher) -> String { cipher.keyLength == 32 ? key32 : key16 }

    /// Runs PHP with `$e`, a Laravel Encrypter for the given key and cipher (cipher passed lower-case, as
    /// Laravel itself uses it); inputs go through the environment, binary outputs come back base64-encoded.
    static func php(_ body: String, appKey: String, cipher: Cipher, environment: [String: String] = [:]) throws -> String {
        let code = """
            require 'Illuminate/autoload.php';
            $key = getenv('APP_KEY');
            if (strpos($key, 'base64:') === 0) { $key = base64_decode(substr($key, 7)); }
            $e = new Illuminate\\Encryption\\Encrypter($key, strtolower(getenv('APP_CIPHER')));
            \(body)
            """
        var env = environment
        env["APP_KEY"] = appKey
        env["APP_CIPHER"] = cipher.rawValue
        return try ProcessRunner.phpCode(code, environment: env).stdoutText
    }

    func testPHPEncryptsSwiftDecrypts() throws {
        for cipher in Cipher.allCases {
            let encrypter = try Encrypter(appKey: Self.appKey(for: cipher), cipher: cipher.rawValue)
            for serialize in [true, false] {
                let payload = try Self.php(
                    "echo $e->encrypt(base64_decode(getenv('PLAIN')), getenv('SERIALIZE') === '1');",
                    appKey: Self.appKey(for: cipher), cipher: cipher,
                    environment: ["PLAIN": Data(Self.awkwardPlaintext).base64EncodedString(), "SERIALIZE": serialize ? "1" : "0"]
                )
                XCTAssertEqual(try encrypter.decrypt(payload, unserialize: serialize), Self.awkwardPlaintext, "\(cipher) serialize=\(serialize)")
            }
        }
    }

    func testSwiftEncryptsPHPDecrypts() throws {
        for cipher in Cipher.allCases {
            let encrypter = try Encrypter(appKey: Self.appKey(for: cipher), cipher: cipher.rawValue)
            for serialize in [true, false] {
                let payload = try encrypter.encrypt(Self.awkwardPlaintext, serialize: serialize)
                let output = try Self.php(
                    "echo base64_encode($e->decrypt(getenv('PAYLOAD'), getenv('SERIALIZE') === '1'));",
                    appKey: Self.appKey(for: cipher), cipher: cipher,
                    environment: ["PAYLOAD": payload, "SERIALIZE": serialize ? "1" : "0"]
                )
                XCTAssertEqual(Data(base64Encoded: output).map { [UInt8]($0) }, Self.awkwardPlaintext, "\(cipher) serialize=\(serialize): \(output)")
            }
        }
    }

    func testEmptyPlaintextBothWays() throws {
        for cipher in Cipher.allCases {
            let encrypter = try Encrypter(appKey: Self.appKey(for: cipher), cipher: cipher.rawValue)
            let fromPHP = try Self.php("echo $e->encryptString('');", appKey: Self.appKey(for: cipher), cipher: cipher)
            XCTAssertEqual(try encrypter.decrypt(fromPHP, unserialize: false), [], "\(cipher)")
            let output = try Self.php(
                "var_export($e->decryptString(getenv('PAYLOAD')));",
                appKey: Self.appKey(for: cipher), cipher: cipher, environment: ["PAYLOAD": try encrypter.encrypt([], serialize: false)]
            )
            XCTAssertEqual(output, "''", "\(cipher)")
        }
    }

    /// A job class like an app's `ShouldBeEncrypted` job, with public/protected/private properties and a `/`.
    static let jobClass = """
        class ReportJob { public $tries = 3; protected $accessToken = 'tok/0123'; private $note = "a\\"b\\0c"; public $chained = []; }
        """

    func testQueueCommandPHPToSwift() throws {
        for cipher in Cipher.allCases {
            let output = try Self.php(
                Self.jobClass + "$plain = serialize(new ReportJob); echo base64_encode($plain), ' ', $e->encrypt($plain);",
                appKey: Self.appKey(for: cipher), cipher: cipher
            )
            let parts = output.split(separator: " ").map(String.init)
            XCTAssertEqual(parts.count, 2, output)
            let plain = try XCTUnwrap(Data(base64Encoded: parts[0]))
            let encrypter = try Encrypter(appKey: Self.appKey(for: cipher), cipher: cipher.rawValue)
            let command = try encrypter.decryptCommand(parts[1])
            XCTAssertEqual(command, [UInt8](plain), "\(cipher)")
            XCTAssertTrue(String(decoding: command, as: UTF8.self).hasPrefix("O:9:\"ReportJob\""), "\(cipher)")
        }
    }

    func testQueueCommandSwiftToPHP() throws {
        for cipher in Cipher.allCases {
            let plain = try Self.php(Self.jobClass + "echo base64_encode(serialize(new ReportJob));", appKey: Self.appKey(for: cipher), cipher: cipher)
            let serialized = try XCTUnwrap(Data(base64Encoded: plain))
            let encrypter = try Encrypter(appKey: Self.appKey(for: cipher), cipher: cipher.rawValue)
            let command = try encrypter.encryptCommand([UInt8](serialized))
            // What CallQueuedHandler::getCommand does with a command that does not start with "O:".
            let output = try Self.php(
                Self.jobClass + "$job = unserialize($e->decrypt(getenv('COMMAND'))); echo get_class($job), ' ', base64_encode(serialize($job));",
                appKey: Self.appKey(for: cipher), cipher: cipher, environment: ["COMMAND": command]
            )
            XCTAssertEqual(output, "ReportJob \(plain)", "\(cipher)")
        }
    }

    /// Laravel 8.83 has no previous keys; its payloads under the old key still open with new + previous.
    func testPHPPayloadUnderAnOldKeyOpensWithPreviousKeys() throws {
        let oldKey = Self.key32
        let newKey = "base64:" + Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
        for cipher in [Cipher.aes256CBC, .aes256GCM] {
            let payload = try Self.php("echo $e->encryptString('rotated');", appKey: oldKey, cipher: cipher)
            let rotated = try Encrypter(appKey: newKey, cipher: cipher.rawValue, previousKeys: oldKey)
            XCTAssertEqual(try rotated.decrypt(payload, unserialize: false), Array("rotated".utf8), "\(cipher)")
            let newOnly = try Encrypter(appKey: newKey, cipher: cipher.rawValue)
            XCTAssertThrowsError(try newOnly.decrypt(payload, unserialize: false), "\(cipher)")
        }
    }

    /// Laravel's own payloads carry the v8.54+ `tag` member; PHP accepts ours, and we accept a pre-8.54 one.
    func testPHPAcceptsTheLayoutAndWeAcceptPayloadsWithoutTag() throws {
        let cipher = Cipher.aes256CBC
        let fromPHP = try Self.php("echo $e->encryptString('old layout');", appKey: Self.key32, cipher: cipher)
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(Data(base64Encoded: fromPHP))) as? [String: Any])
        XCTAssertEqual(object["tag"] as? String, "")
        object.removeValue(forKey: "tag")
        let withoutTag = try JSONSerialization.data(withJSONObject: object).base64EncodedString()
        let encrypter = try Encrypter(appKey: Self.key32)
        XCTAssertEqual(try encrypter.decrypt(withoutTag, unserialize: false), Array("old layout".utf8))
    }
}
