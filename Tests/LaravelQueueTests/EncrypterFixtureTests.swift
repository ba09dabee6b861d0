import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

/// Payloads captured from real Laravel 8–13 apps (fixtures/laravel*/): their encrypted `data.command`
/// must decrypt to the captured plaintext, and our payloads must have the same layout as theirs.
final class EncrypterFixtureTests: XCTestCase {
    struct Version {
        let directory: String
        let appKey: String
    }

    /// Every fixture directory that holds an encrypted job, with its app key from index.json.
    func versions() throws -> [Version] {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.fixtures.path)
            .filter { $0.hasPrefix("laravel") }.sorted()
        var versions: [Version] = []
        for name in names {
            let index = try jsonObject(TestEnvironment.fixture("\(name)/index.json"))
            guard FileManager.default.fileExists(atPath: TestEnvironment.fixtures.appendingPathComponent("\(name)/encrypted.json").path) else { continue }
            let appKey = try XCTUnwrap(index["app_key"] as? String, "\(name)/index.json has no app_key")
            versions.append(Version(directory: name, appKey: appKey))
        }
        XCTAssertGreaterThanOrEqual(versions.count, 6, "expected encrypted fixtures for Laravel 8…13, found \(versions.map(\.directory))")
        return versions
    }

    func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func command(_ path: String) throws -> String {
        let payload = try jsonObject(TestEnvironment.fixture(path))
        let data = try XCTUnwrap(payload["data"] as? [String: Any], "\(path) has no data")
        return try XCTUnwrap(data["command"] as? String, "\(path) has no data.command")
    }

    func testEveryFixtureCommandDecryptsToTheCapturedPlaintext() throws {
        for version in try versions() {
            let encrypter = try Encrypter(appKey: version.appKey)
            let expected = try TestEnvironment.fixture("\(version.directory)/encrypted.command-plaintext.txt")
            // The reserved copy went through Redis's cjson (which escapes "/" in the outer JSON); same command.
            for file in ["encrypted.json", "encrypted.reserved.json"] {
                let decrypted = try encrypter.decryptCommand(try command("\(version.directory)/\(file)"))
                XCTAssertEqual(decrypted, expected, "\(version.directory)/\(file)")
                XCTAssertEqual(decrypted.prefix(2), Array("O:".utf8)[...], "\(version.directory)/\(file)")
            }
        }
    }

    func testFixtureDecryptsToTheDoubleSerializedForm() throws {
        for version in try versions() {
            let encrypter = try Encrypter(appKey: version.appKey)
            let expected = try TestEnvironment.fixture("\(version.directory)/encrypted.command-plaintext.txt")
            let raw = try encrypter.decrypt(try command("\(version.directory)/encrypted.json"), unserialize: false)
            XCTAssertEqual(raw, Array("s:\(expected.count):\"".utf8) + expected + Array("\";".utf8), version.directory)
        }
    }

    /// Same member order, lengths and (absent) escaping as Laravel's bytes, for a plaintext of equal length.
    func testOurPayloadHasTheFixturesLayout() throws {
        for version in try versions() {
            let encrypter = try Encrypter(appKey: version.appKey)
            let expected = try TestEnvironment.fixture("\(version.directory)/encrypted.command-plaintext.txt")
            let theirs = try XCTUnwrap(Data(base64Encoded: try command("\(version.directory)/encrypted.json")))
            let ours = try XCTUnwrap(Data(base64Encoded: try encrypter.encryptCommand(expected)))
            XCTAssertEqual(Self.skeleton(ours), Self.skeleton(theirs), version.directory)
            XCTAssertNotEqual(ours, theirs, "a fresh random IV makes every payload different")
        }
    }

    /// The JSON with every base64/hex character replaced by `x`, keeping quotes, names, punctuation, lengths.
    static func skeleton(_ json: Data) -> String {
        let text = String(decoding: json, as: UTF8.self)
        var out = ""
        var inValue = false
        var afterColon = false
        for character in text {
            if character == "\"" {
                if inValue { inValue = false } else if afterColon { inValue = true }
                afterColon = false
                out.append(character)
            } else if inValue {
                out.append("x")
            } else {
                afterColon = character == ":"
                out.append(character)
            }
        }
        return out
    }
}
