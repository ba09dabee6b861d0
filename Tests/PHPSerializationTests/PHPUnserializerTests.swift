import XCTest
import Foundation
import PHPSerialization
import TestSupport

final class PHPUnserializerTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    private func decode(_ s: String, limits: PHPUnserializer.Limits = .default) throws -> PHPValue {
        try PHPUnserializer.unserialize(Array(s.utf8), limits: limits)
    }

    /// Decodes what PHP wrote for every corpus case to the expected value, and writes it back identically.
    func testDecodesPHPOutputForCorpus() throws {
        let php = try PHPCorpus.phpSerialized()
        XCTAssertEqual(php.count, PHPCorpus.cases.count)
        for (c, (_, bytes)) in zip(PHPCorpus.cases, php) {
            let value = try PHPUnserializer.unserialize(bytes)
            XCTAssertEqual(value, c.expected, c.name)
            XCTAssertEqual(text(PHPSerializer.serialize(value)), text(bytes), c.name)
        }
    }

    /// Every `data.command` captured from Laravel 8…13 (and chained jobs inside them) round-trips exactly.
    func testLaravelFixtureCommandsRoundTrip() throws {
        let root = TestEnvironment.fixtures
        let files = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".json") }.sorted()
        var commands: [(String, [UInt8])] = []
        for file in files {
            let json = try JSONSerialization.jsonObject(with: Data(try TestEnvironment.fixture(file)))
            guard let data = (json as? [String: Any])?["data"] as? [String: Any],
                  let command = data["command"] as? String, command.hasPrefix("O:") else { continue }
            commands.append((file, Array(command.utf8)))
        }
        for file in try FileManager.default.subpathsOfDirectory(atPath: root.path) where file.hasSuffix(".command.bin") {
            commands.append((file, try TestEnvironment.fixture(file)))
        }
        for file in try FileManager.default.subpathsOfDirectory(atPath: root.path) where file.hasSuffix("command-plaintext.txt") {
            commands.append((file, try TestEnvironment.fixture(file)))
        }
        XCTAssertGreaterThan(commands.count, 150)
        var chained = 0
        while let (file, bytes) = commands.popLast() {
            let value: PHPValue
            do { value = try PHPUnserializer.unserialize(bytes) } catch {
                XCTFail("\(file): \(error)"); continue
            }
            XCTAssertEqual(PHPSerializer.serialize(value), bytes, file)
            XCTAssertNotNil(value.objectValue, file)
            // Chained jobs are serialized commands inside the `chained` array.
            for next in value.objectValue?["chained"]?.arrayValue?.values ?? [] {
                if case .string(let inner) = next { commands.append((file + " (chained)", inner)); chained += 1 }
            }
        }
        XCTAssertGreaterThan(chained, 0)
    }

    func testDecodesExpectedShapes() throws {
        let podcast = try decode("O:23:\"App\\Jobs\\ProcessPodcast\":2:{s:12:\"\0*\0podcastId\";i:42;s:29:\"\0App\\Jobs\\ProcessPodcast\0note\";s:2:\"hi\";}")
        let object = try XCTUnwrap(podcast.objectValue)
        XCTAssertEqual(object.className, "App\\Jobs\\ProcessPodcast")
        XCTAssertEqual(object.properties.map(\.visibility), [.protected, .private(declaringClass: "App\\Jobs\\ProcessPodcast")])
        XCTAssertEqual(object["podcastId"], .int(42))
        XCTAssertEqual(object["note"], .string("hi"))
        // Numeric-string keys become ints; `i:` property names become strings; leading zeros in lengths.
        XCTAssertEqual(try decode(#"a:2:{s:1:"5";i:1;s:2:"05";i:2;}"#),
                       .array(PHPArray(entries: [.init(key: .int(5), value: .int(1)), .init(key: .string("05"), value: .int(2))])))
        XCTAssertEqual(try decode(#"O:8:"stdClass":1:{i:3;N;}"#).objectValue?["3"], .null)
        XCTAssertEqual(try decode(#"s:02:"ab";"#), .string("ab"))
        XCTAssertEqual(try decode("i:-9223372036854775808;"), .int(.min))
        XCTAssertEqual(try decode("i:+7;"), .int(7))
        XCTAssertEqual(try decode(#"E:11:"Suit:Hearts";"#), .enumCase(className: "Suit", caseName: "Hearts"))
        XCTAssertEqual(try decode(#"C:6:"Legacy":3:{a}b}"#), .custom(className: "Legacy", data: Array("a}b".utf8)))
        // R: may point at an enclosing array still being read (PHP's `$a[0] = &$a`).
        XCTAssertEqual(try decode("a:1:{i:0;a:1:{i:0;R:2;}}"), .array(PHPArray(list: [.array(PHPArray(list: [.reference(2)]))])))
        XCTAssertEqual(try decode("s:3:\"\u{0}\u{FF}\";"), .string([0, 0xC3, 0xBF]))
    }

    /// Odd forms PHP accepts: compare with what PHP itself makes of them.
    func testLenientFormsMatchPHP() throws {
        let inputs = ["d:1.;", "d:.5;", "d:1e5;", "d:1.E5;", "d:-.5E+3;", "d:+2;", "d:1e999;", "d:-0;", "d:007.50;",
                      "i:007;", "i:-0;", "s:01:\"a\";", "a:01:{i:0;i:0;}", #"a:1:{s:2:"-0";N;}"#,
                      #"a:2:{s:19:"9223372036854775807";N;s:20:"-9223372036854775808";N;}"#,
                      #"O:8:"stdClass":1:{i:-4;b:1;}"#]
        let back = try PHPCorpus.phpReserialize(inputs.map { Array($0.utf8) })
        XCTAssertEqual(back.count, inputs.count)
        for (input, php) in zip(inputs, back) {
            XCTAssertEqual(text(PHPSerializer.serialize(try decode(input))), text(php), input)
        }
    }

    /// Inputs PHP refuses (unserialize returns false) are refused here too, with the offset named.
    func testRefusesWhatPHPRefuses() throws {
        let inputs = ["", "x", "N", "b:2;", "b:01;", "i:;", "i:-;", "i:1", "d:;", "d:+INF;", "d:1e;", "d:.;", "d:nan;",
                      #"s:5:"abc";"#, #"s:-1:"";"#, #"s:1:"ab";"#, "a:1:{}", "a:1:{i:0;}", "a:0:{", "a:1:{N;N;}",
                      #"a:1:{d:1;N;}"#, #"O:0:"":0:{}"#, #"O:3:"a b":0:{}"#, #"O:8:"stdClass":1:{s:1:"a";i:1;s:1:"a";i:2;}"#,
                      #"E:5:"Suit:";"#, #"E:4:"Suit";"#, "r:1;", "r:0;", "a:1:{i:0;r:1;}", "a:2:{i:0;i:5;i:1;r:2;}",
                      "a:2:{i:0;O:8:\"stdClass\":0:{}i:1;r:3;}", "a:1:{i:0;R:3;}", "R:1;", "r:+1;",
                      "i:99999999999999999999;", "a:99999999999:{}", "q:1;", #"S:1:"a";"#]
        let back = try PHPCorpus.runPHP(#"""
            while (($l = fgets(STDIN)) !== false) { var_export(@unserialize(base64_decode(trim($l))) === false); echo "\n"; }
            """#, stdin: Array(inputs.map { Data($0.utf8).base64EncodedString() + "\n" }.joined().utf8)).stdoutText
        let phpRefuses = back.split(separator: "\n").map { $0 == "true" }
        XCTAssertEqual(phpRefuses.count, inputs.count)
        for (input, refused) in zip(inputs, phpRefuses) {
            // PHP saturates a too-large integer (with a warning) and decodes S:; we refuse both, by design.
            let knownDifference = input.hasPrefix("i:9999") || input.hasPrefix("S:")
            XCTAssertTrue(refused || knownDifference, "PHP accepts \(input.debugDescription)")
            XCTAssertThrowsError(try decode(input), input.debugDescription) { error in
                let e = error as? PHPSerializationError
                XCTAssertNotNil(e)
                XCTAssertTrue(e?.description.contains("byte offset \(e?.offset ?? -1)") ?? false)
            }
        }
    }

    func testErrorsNameTheOffendingByte() {
        func reason(_ s: String) -> (Int, PHPSerializationError.Reason)? { reason(Array(s.utf8)) }
        func reason(_ s: [UInt8]) -> (Int, PHPSerializationError.Reason)? {
            do { _ = try PHPUnserializer.unserialize(s); return nil } catch { return (error.offset, error.reason) }
        }
        XCTAssertEqual(reason("a:1:{i:0;b:2;}")?.0, 11)
        XCTAssertEqual(reason("a:1:{i:0;b:2;}")?.1, .unexpectedByte(expected: "0 or 1", found: UInt8(ascii: "2")))
        XCTAssertEqual(reason(#"s:10:"abc";"#)?.1, .lengthOverrun(10))
        XCTAssertEqual(reason(#"s:10:"abc";"#)?.0, 6)
        XCTAssertEqual(reason("i:1;x")?.1, .trailingBytes)
        XCTAssertEqual(reason("i:1;x")?.0, 4)
        XCTAssertEqual(reason("a:1:{i:0;R:9;}")?.1, .invalidReference(9))
        XCTAssertEqual(reason("a:1:{i:0;R:9;}")?.0, 9)
        XCTAssertEqual(reason("i:9223372036854775808;")?.1, .integerOverflow)
        XCTAssertEqual(reason("a:2:{i:1;N;s:1:\"1\";N;}")?.1, .duplicateKey)
        XCTAssertEqual(reason("a:2:{i:1;N;s:1:\"1\";N;}")?.0, 11)
        XCTAssertEqual(reason("a:1:{i:0;N;")?.1, .unexpectedEnd)
        XCTAssertEqual(reason("a:1:{i:0;N;")?.0, 11)
        XCTAssertEqual(reason("Z")?.1, .unknownTag(UInt8(ascii: "Z")))
        XCTAssertEqual(reason(Array(#"O:8:"stdClass":1:{s:1:""#.utf8) + [0xFF] + Array(#"";N;}"#.utf8))?.1, .invalidPropertyName)
        XCTAssertEqual(reason(Array(#"O:2:""#.utf8) + [0x41, 0xFF] + Array(#"":0:{}"#.utf8))?.1, .invalidClassName)
        XCTAssertNil(reason("O:3:\"A\u{FF}\":0:{}"))  // é-like bytes that are UTF-8 are fine
        let error = PHPSerializationError(offset: 7, reason: .unexpectedEnd)
        XCTAssertEqual(error.description, "PHP unserialize failed at byte offset 7: unexpected end of input")
    }

    func testTrailingBytesAreOptional() throws {
        XCTAssertThrowsError(try decode("i:1;garbage"))
        XCTAssertEqual(try decode("i:1;garbage", limits: .init(allowsTrailingBytes: true)), .int(1))
    }

    func testLimits() throws {
        let deep = String(repeating: "a:1:{i:0;", count: 200) + "N;" + String(repeating: "}", count: 200)
        XCTAssertThrowsError(try decode(deep)) { XCTAssertEqual(($0 as? PHPSerializationError)?.reason, .depthLimitExceeded(128)) }
        let ok = String(repeating: "a:1:{i:0;", count: 128) + "N;" + String(repeating: "}", count: 128)
        XCTAssertNoThrow(try decode(ok))
        XCTAssertThrowsError(try decode(ok, limits: .init(maxDepth: 127)))
        // A declared count far beyond the input fails before allocating anything.
        XCTAssertThrowsError(try decode("a:9223372036854775807:{}")) {
            XCTAssertEqual(($0 as? PHPSerializationError)?.reason, .countTooLarge(Int.max))
            XCTAssertEqual(($0 as? PHPSerializationError)?.offset, 2)
        }
        XCTAssertThrowsError(try decode("s:9223372036854775807:\"\";")) {
            XCTAssertEqual(($0 as? PHPSerializationError)?.reason, .lengthOverrun(Int.max))
        }
        let many = "a:10:{" + (0..<10).map { "i:\($0);N;" }.joined() + "}"
        XCTAssertNoThrow(try decode(many, limits: .init(maxElements: 11)))
        XCTAssertThrowsError(try decode(many, limits: .init(maxElements: 10)))
        XCTAssertThrowsError(try decode(many, limits: .init(maxLength: 10))) {
            XCTAssertEqual(($0 as? PHPSerializationError)?.reason, .inputTooLong(10))
        }
    }

    /// Slot numbering: r: takes a slot, R: does not; keys take none.
    func testReferenceSlots() throws {
        let bytes = #"a:4:{i:0;O:8:"stdClass":0:{}i:1;r:2;i:2;O:8:"stdClass":0:{}i:3;r:4;}"#
        XCTAssertNoThrow(try decode(bytes))
        XCTAssertThrowsError(try decode(#"a:3:{i:0;O:8:"stdClass":0:{}i:1;R:2;i:2;r:4;}"#))
        XCTAssertNoThrow(try decode(#"a:3:{i:0;O:8:"stdClass":0:{}i:1;R:2;i:2;r:2;}"#))
        XCTAssertNoThrow(try decode(#"a:2:{i:0;E:6:"Suit:H";i:1;r:2;}"#))
    }
}
