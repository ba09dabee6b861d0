import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import PHPSerialization
import TestSupport
import XCTest

/// `ZoneInfo` (TZif + POSIX footer rules) against PHP's own date arithmetic, in zones with northern and
/// southern DST, half-hour offsets and Lord Howe's 30-minute DST, past the last transition stored (2037).
final class ZoneInfoTests: XCTestCase {
    static let zones = [
        "UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Berlin",
        "America/Sao_Paulo", "Pacific/Chatham",
    ]

    /// Every change from 1900 to 2060: the stored transitions, then the footer rule's, found hour by hour.
    static func changes(_ zone: ZoneInfo) -> [Int64] {
        var changes = zone.transitions.filter { $0 > -2_208_988_800 }
        var t = changes.last ?? 0
        while t < 2_840_140_800, zone.footer?.daylight != nil {
            var next = t + 3600
            while zone.offset(at: next) == zone.offset(at: t), next < 2_840_140_800 { next += 3600 }
            var low = next - 3600, high = next
            while high - low > 1 {
                let mid = (low + high) / 2
                if zone.offset(at: mid) == zone.offset(at: low) { low = mid } else { high = mid }
            }
            changes.append(high)
            t = high
        }
        return changes
    }

    /// Instants ±1 s around every change, and a grid from 1960 to 2100.
    static func instants(_ zone: ZoneInfo) -> [Int64] {
        let around = changes(zone).flatMap { [$0 - 1, $0, $0 + 1] }
        let grid = stride(from: Int64(-315_619_200), to: 4_102_444_800, by: 864_000 + 25_200).map { $0 }
        return around + grid
    }

    /// `php -r CODE ARGUMENTS…`: `$argv[1]` is the first argument.
    static func php(_ code: String, stdin: [UInt8] = [], arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(["php", "-r", code] + arguments, stdin: stdin)
    }

    func testFormatsTimestampsAsPHPDateDoes() throws {
        for name in Self.zones {
            let zone = try XCTUnwrap(ZoneInfo(identifier: name), name)
            let instants = Self.instants(zone)
            XCTAssertGreaterThan(instants.count, 4900, name)
            let php = try Self.php(
                "date_default_timezone_set($argv[1]); while (($l = fgets(STDIN)) !== false) echo date('Y-m-d H:i:s', (int) $l), \"\\n\";",
                stdin: Array(instants.map(String.init).joined(separator: "\n").utf8), arguments: [name])
            let expected = php.stdoutText.split(separator: "\n").map(String.init)
            XCTAssertEqual(expected.count, instants.count, name)
            var mismatches = 0
            for (instant, text) in zip(instants, expected) {
                let ours = LaravelTimestamp.format(Date(timeIntervalSince1970: Double(instant)), timeZone: zone)
                if ours != text {
                    mismatches += 1
                    if mismatches <= 5 { XCTFail("\(name) @\(instant): \(ours) ≠ PHP \(text)") }
                }
            }
            XCTAssertEqual(mismatches, 0, name)
        }
    }

    /// Local wall-clock times around each change (skipped and repeated hours included) read back to an
    /// instant as `new DateTime($local, $zone)` does.
    func testReadsLocalTimesAsPHPDateTimeDoes() throws {
        for name in Self.zones {
            let zone = try XCTUnwrap(ZoneInfo(identifier: name), name)
            let locals = Self.changes(zone).filter { $0 > 0 }.flatMap { t -> [Int64] in
                [-5400, -3600, -1800, -1, 0, 1, 1799, 1800, 3600, 5400].map { t + Int64(zone.offset(at: t - 1)) + Int64($0) }
            } + [0, 1_711_846_800, 2_500_000_000, 3_000_000_000]
            let texts = locals.map { LaravelTimestamp.format(Date(timeIntervalSince1970: Double($0)), timeZone: .utc) }
            let php = try Self.php(
                "$z = new DateTimeZone($argv[1]); while (($l = fgets(STDIN)) !== false) echo (new DateTime(trim($l), $z))->getTimestamp(), \"\\n\";",
                stdin: Array(texts.joined(separator: "\n").utf8), arguments: [name])
            let expected = php.stdoutText.split(separator: "\n").map { Int64(String($0)) }
            XCTAssertEqual(expected.count, locals.count, name)
            var mismatches = 0
            for (i, local) in locals.enumerated() where zone.instant(local: local) != expected[i] {
                mismatches += 1
                if mismatches <= 5 { XCTFail("\(name) \(texts[i]): \(zone.instant(local: local)) ≠ PHP \(String(describing: expected[i]))") }
            }
            XCTAssertEqual(mismatches, 0, name)
        }
    }

    /// Serialized `DateTime`s of all three timezone types give PHP's `getTimestamp()` after unserializing.
    func testSerializedDateTimesGivePHPTimestamps() throws {
        let abbreviations = TimeZoneAbbreviation.offsets.keys.sorted() + ["est", "utc"]
        let php = try Self.php("""
            $cases = [];
            foreach ([1711846800, 1729989000, 1729992600, 1730611800, 1730615400, 1719889445, 4102444800, -86400] as $t) {
                foreach (explode(',', $argv[1]) as $zone) { $cases[] = (new DateTime('@' . $t))->setTimezone(new DateTimeZone($zone)); }
                foreach (['+05:30', '-03:00', '+00:00'] as $offset) { $cases[] = (new DateTime('@' . $t))->setTimezone(new DateTimeZone($offset)); }
            }
            foreach (explode(',', $argv[2]) as $abbreviation) {
                $cases[] = DateTime::__set_state(['date' => '2024-07-02 03:04:05.000000', 'timezone_type' => 2, 'timezone' => $abbreviation]);
            }
            foreach ($cases as $d) { echo base64_encode(serialize($d)), ' ', unserialize(serialize($d))->getTimestamp(), "\\n"; }
            """, arguments: [Self.zones.joined(separator: ","), abbreviations.joined(separator: ",")])
        let lines = php.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, 8 * (Self.zones.count + 3) + abbreviations.count)
        for line in lines {
            let parts = line.split(separator: " ")
            let bytes = try XCTUnwrap(Data(base64Encoded: String(parts[0])))
            let object = try XCTUnwrap(try PHPUnserializer.unserialize(bytes).objectValue)
            XCTAssertEqual(PHPDateTime.timestamp(object), Int(parts[1]), String(decoding: bytes, as: UTF8.self))
        }
    }

    func testUnknownOrUnsafeNamesAreNil() {
        for name in ["Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "Europe/../UTC", "", "Europe//London", "Europe/London\0"] {
            XCTAssertNil(ZoneInfo(identifier: name), name)
        }
        XCTAssertEqual(ZoneInfo(identifier: "UTC"), .utc)
    }

    func testMalformedTZifIsRejected() throws {
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/Europe/London")))
        XCTAssertNotNil(ZoneInfo(identifier: "x", tzif: good))
        XCTAssertNil(ZoneInfo(identifier: "x", tzif: Array(good.prefix(100))))
        XCTAssertNil(ZoneInfo(identifier: "x", tzif: Array("TZxf".utf8) + good.dropFirst(4)))
        XCTAssertNil(ZoneInfo(identifier: "x", tzif: []))
    }

    /// The version-1 (32-bit) block alone gives the same offsets where it has data.
    func testVersion1DataAgreesWithVersion2() throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/America/New_York")))
        let full = try XCTUnwrap(ZoneInfo(identifier: "x", tzif: bytes))
        bytes[4] = 0  // version 1: only the first block is read
        let v1 = try XCTUnwrap(ZoneInfo(identifier: "x", tzif: bytes))
        XCTAssertNil(v1.footer)
        XCTAssertGreaterThan(v1.transitions.count, 100)
        for t in stride(from: Int64(-2_000_000_000), to: 2_100_000_000, by: 86_400 * 13 + 3_600) {
            XCTAssertEqual(v1.offset(at: t), full.offset(at: t), "\(t)")
        }
    }
}
