import XCTest
import PHPSerialization

/// Seeded random values and inputs: round trips must be exact, and no input may crash the decoder.
final class PHPRoundTripPropertyTests: XCTestCase {
    func testRandomValuesRoundTrip() throws {
        var generator = PHPValueGenerator(seed: 0x5EED, phpCompatible: false)
        for i in 0..<3000 {
            let value = generator.topLevel()
            let bytes = PHPSerializer.serialize(value)
            let decoded: PHPValue
            do { decoded = try PHPUnserializer.unserialize(bytes) } catch {
                XCTFail("#\(i) \(error) in \(String(decoding: bytes, as: UTF8.self).debugDescription)"); continue
            }
            XCTAssertEqual(decoded, value, "#\(i)")
            XCTAssertEqual(PHPSerializer.serialize(decoded), bytes, "#\(i)")
        }
    }

    /// Real PHP reads random Swift output and writes the same bytes back; Swift reads those to the same value.
    func testPHPRewritesRandomValuesIdentically() throws {
        var generator = PHPValueGenerator(seed: 0xC0FFEE, phpCompatible: true)
        let values = (0..<400).map { _ in generator.topLevel() }
        let ours = values.map(PHPSerializer.serialize)
        let back = try PHPCorpus.phpReserialize(ours)
        XCTAssertEqual(back.count, ours.count)
        for (i, (value, (mine, theirs))) in zip(values, zip(ours, back)).enumerated() {
            XCTAssertEqual(String(decoding: theirs, as: UTF8.self), String(decoding: mine, as: UTF8.self), "#\(i)")
            XCTAssertEqual(try PHPUnserializer.unserialize(theirs), value, "#\(i)")
        }
    }

    /// Mutated and random inputs: the decoder returns or throws; whatever it accepts re-encodes stably.
    func testFuzzedInputsNeverCrash() {
        var rng = SplitMix64(seed: 0xF022)
        var generator = PHPValueGenerator(seed: 0xBAD, phpCompatible: false)
        let alphabet = Array("NbidsaOCErR:;{}\"0123456789-+.eE\\ x".utf8) + [0, 0xFF]
        let limits = PHPUnserializer.Limits(maxDepth: 16, maxLength: 1 << 16, maxElements: 10_000)
        var accepted = 0, refused = 0
        for i in 0..<20_000 {
            var bytes = PHPSerializer.serialize(generator.topLevel(maxDepth: 3))
            let mutations = 1 + Int(rng.next() % 4)
            for _ in 0..<mutations {
                let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 7 {
                case 0 where !bytes.isEmpty: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 8)))
                case 3: bytes = Array(bytes.prefix(at))
                case 4: bytes.insert(contentsOf: Array(["99999999999999999999", "9223372036854775807", "0", "-1"][Int(rng.next() % 4)].utf8), at: at)
                case 5: bytes = (0..<Int(rng.next() % 40)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                default: bytes.insert(contentsOf: bytes.prefix(Int(rng.next() % 30)), at: at)
                }
            }
            do {
                let value = try PHPUnserializer.unserialize(bytes, limits: limits)
                accepted += 1
                let again = PHPSerializer.serialize(value)
                XCTAssertEqual(try PHPUnserializer.unserialize(again, limits: limits), value, "#\(i)")
            } catch {
                refused += 1
                XCTAssertTrue(error.description.contains("byte offset \(error.offset)"))
                XCTAssertTrue((0...bytes.count).contains(error.offset), "#\(i) offset \(error.offset) of \(bytes.count)")
            }
        }
        // Both outcomes must actually occur, or the mutations are not exercising the decoder.
        XCTAssertGreaterThan(accepted, 500)
        XCTAssertGreaterThan(refused, 5000)
    }
}
