import XCTest
import Foundation
import PHPSerialization
import TestSupport

final class PHPSerializerTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// PHP serializes each corpus expression; Swift must write the expected value to the same bytes.
    func testMatchesPHPSerializeForCorpus() throws {
        let php = try PHPCorpus.phpSerialized()
        XCTAssertEqual(php.map(\.name), PHPCorpus.cases.map(\.name))
        for (c, (_, bytes)) in zip(PHPCorpus.cases, php) {
            XCTAssertEqual(text(PHPSerializer.serialize(c.expected)), text(bytes), c.name)
            XCTAssertEqual(PHPSerializer.serialize(c.expected), bytes, c.name)
        }
    }

    /// PHP unserializes what Swift wrote and writes it back unchanged.
    func testPHPReadsAndRewritesSwiftOutput() throws {
        let ours = PHPCorpus.cases.map { PHPSerializer.serialize($0.expected) }
        let back = try PHPCorpus.phpReserialize(ours)
        XCTAssertEqual(back.count, ours.count)
        for (c, (mine, theirs)) in zip(PHPCorpus.cases, zip(ours, back)) {
            XCTAssertEqual(text(theirs), text(mine), c.name)
        }
    }

    func testLiteralForms() {
        XCTAssertEqual(text(PHPSerializer.serialize(.string("café/x"))), #"s:7:"café/x";"#)
        XCTAssertEqual(text(PHPSerializer.serialize(.enumCase(className: "Suit", caseName: "H"))), #"E:6:"Suit:H";"#)
        XCTAssertEqual(text(PHPSerializer.serialize(.custom(className: "A\\B", data: Array("xy".utf8)))), #"C:3:"A\B":2:{xy}"#)
        let prop = PHPProperty(name: "note", visibility: .private(declaringClass: "App\\Jobs\\ProcessPodcast"), value: .null)
        let obj = PHPValue.object(PHPObject(className: "X", properties: [prop]))
        XCTAssertEqual(text(PHPSerializer.serialize(obj)), "O:1:\"X\":1:{s:29:\"\0App\\Jobs\\ProcessPodcast\0note\";N;}")
    }

    /// Swift's float text equals PHP's for values chosen around the format thresholds and at random.
    func testFloatFormatMatchesPHPForRandomDoubles() throws {
        var rng = SplitMix64(seed: 0xF10A7)
        var values: [Double] = [1e15, 1e16, 1e17, 1e-4, 1e-5, 0.5, 2.5e-4, 12345.678, 1e21, 1e22, 1e23]
        for _ in 0..<3000 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { values.append(d) }
            // Short decimals scaled across the thresholds, where the layout changes.
            let e = Int(rng.next() % 50) - 25
            values.append(Double(rng.next() % 100_000) * pow(10.0, Double(e)) / 1000)
        }
        let stdin = values.map { String($0.bitPattern, radix: 16) + "\n" }.joined()
        let code = #"""
        while (($l = fgets(STDIN)) !== false) {
            $d = unpack('E', hex2bin(str_pad(trim($l), 16, '0', STR_PAD_LEFT)))[1];
            echo serialize($d), ' ', json_encode($d), "\n";
        }
        """#
        let lines = try PHPCorpus.runPHP(code, stdin: Array(stdin.utf8)).stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, values.count)
        for (d, line) in zip(values, lines) {
            XCTAssertEqual("d:\(PHPFloatFormat.serialize(d)); \(PHPFloatFormat.json(d))", String(line), "\(d)")
        }
    }
}
