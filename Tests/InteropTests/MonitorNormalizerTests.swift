import Foundation
import TestSupport
import XCTest

/// The MONITOR parser and normalizer on real captures of Laravel 8 (fixtures/laravel8/monitor-*.txt).
final class MonitorNormalizerTests: XCTestCase {
    private func capture(_ name: String) throws -> [MonitorCommand] {
        MonitorCommand.parse(trace: String(decoding: try TestEnvironment.fixture("laravel8/monitor-\(name).txt"), as: UTF8.self))
    }

    private func bytes(_ token: NormalizedCommand.Token?) -> [UInt8]? {
        if case .bytes(let b)? = token { return b }
        return nil
    }

    func testParsesLinesWithDatabaseOriginAndExactArgumentBytes() throws {
        let commands = try capture("push")
        XCTAssertEqual(commands.map(\.name), ["SELECT", "EVAL", "rpush", "rpush"])
        XCTAssertEqual(commands.map(\.database), [0, 0, 0, 0])
        XCTAssertEqual(commands[0].origin, .client("127.0.0.1:33912"))
        XCTAssertEqual(commands[2].origin, .lua)
        XCTAssertEqual(commands[0].time, 1795982893.346534, accuracy: 1e-6)
        // The script's text comes back with its newlines and quotes.
        XCTAssertTrue(String(decoding: commands[1].arguments[1], as: UTF8.self).hasPrefix("-- Push the job onto the queue...\nredis.call('rpush', KEYS[1], ARGV[1])\n-- Push a notification onto the \"notify\" queue..."))
        // The payload is exactly what the Lua RPUSH stored: monzo-pull.json but for its uuid and id.
        let payload = commands[2].arguments[2]
        XCTAssertEqual(commands[1].arguments[5], payload)
        XCTAssertEqual(String(decoding: commands[2].arguments[1], as: UTF8.self), "laravel_database_queues:pull")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        XCTAssertEqual(object["displayName"] as? String, "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull")
        let fixture = try TestEnvironment.fixture("laravel8/monzo-pull.json")
        let normalizer = MonitorNormalizer()
        XCTAssertEqual(bytes(normalizer.normalize([commands[2]]).first?.arguments.last),
                       bytes(normalizer.normalize([MonitorCommand(time: 0, database: 0, origin: .lua, arguments: [Array("rpush".utf8), Array("k".utf8), fixture])]).first?.arguments.last))
    }

    func testDecodesEscapes() {
        let line = #"1795989686.635842 [3 127.0.0.1:45272] "set" "k" "\xc3\xa9\"x\\y\nz\t\r\a\b\x00" "" "a b""#
        let command = MonitorCommand.parse(line: line)
        XCTAssertEqual(command?.database, 3)
        XCTAssertEqual(command?.arguments, [Array("set".utf8), Array("k".utf8), Array("é\"x\\y\nz\t\r".utf8) + [7, 8, 0], [], Array("a b".utf8)])
        XCTAssertNil(MonitorCommand.parse(line: "OK"))
        XCTAssertNil(MonitorCommand.parse(line: #"1.0 [0 lua] "unterminated"#))
    }

    func testPushNormalizesToKeysPayloadAndScriptCalls() throws {
        let normalized = MonitorNormalizer().normalize(try capture("push"))
        XCTAssertEqual(normalized.map(\.name), ["EVAL", "rpush", "rpush"], "SELECT is connection set-up")
        XCTAssertEqual(normalized[0].keys, [Array("laravel_database_queues:pull".utf8), Array("laravel_database_queues:pull:notify".utf8)])
        let payload = try XCTUnwrap(bytes(normalized[0].arguments.first))
        let text = String(decoding: payload, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"{"uuid":"<uuid#1>","displayName""#), text)
        XCTAssertTrue(text.hasSuffix(#""id":"<id#1>","attempts":0}"#), text)
        XCTAssertEqual(bytes(normalized[1].arguments.last), payload, "same job, same placeholders")
        XCTAssertEqual(normalized[2].arguments, [.bytes(Array("laravel_database_queues:pull:notify".utf8)), .bytes(Array("1".utf8))])
    }

    func testTimestampsBecomeOffsetsFromTheLoggedSecond() throws {
        let later = MonitorNormalizer().normalize(try capture("later"))
        XCTAssertEqual(later.count, 1)
        XCTAssertEqual(later[0].name, "ZADD")
        XCTAssertEqual(later[0].arguments[1], .time(offset: 5), "delay(5)")

        let pop = MonitorNormalizer().normalize(try capture("pop-delete"))
        XCTAssertEqual(pop.map(\.name), ["GET", "EVAL", "zrangebyscore", "EVAL", "zrangebyscore", "EVAL", "lpop", "zadd", "lpop", "ZREM", "GET"])
        XCTAssertEqual(pop[1].arguments, [.time(offset: 0)], "migrate: now (Laravel 8 has no limit ARGV)")
        XCTAssertEqual(pop[2].arguments.last, .time(offset: 0))
        XCTAssertEqual(pop[5].arguments, [.time(offset: 90)], "pop: now + retry_after")
        XCTAssertEqual(pop[7].arguments[1], .time(offset: 90))
        XCTAssertEqual(pop[7].arguments[2], pop[9].arguments[1], "ZREM removes the member the pop script added")
        XCTAssertEqual(pop[0].database, 1, "the restart check runs on the cache database")
    }

    func testReleaseAndMigrationOfTheReleasedJob() throws {
        let commands = MonitorNormalizer(marker: "queues:default").normalize(try capture("release"))
        XCTAssertFalse(commands.contains { $0.name == "GET" }, "the marker keeps only the queue's commands")
        let release = try XCTUnwrap(commands.firstIndex { $0.name == "EVAL" && $0.keys?.first.map { String(decoding: $0, as: UTF8.self) } == "laravel_database_queues:default:delayed" && $0.keys?.count == 2 })
        XCTAssertEqual(commands[release].arguments.last, .time(offset: 3), "release(3)")
        XCTAssertEqual(commands[release + 1].name, "zrem")
        XCTAssertEqual(commands[release + 2].name, "zadd")
        let reserved = commands[release - 2].arguments[2]
        XCTAssertEqual(commands[release].arguments.first, reserved, "release passes the reserved bytes")
        XCTAssertEqual(commands[release + 2].arguments[2], reserved)
        let migrated = try XCTUnwrap(commands.first { $0.name == "zremrangebyrank" })
        XCTAssertEqual(migrated.arguments.dropFirst().map { $0 }, [.bytes(Array("0".utf8)), .bytes(Array("0".utf8))])
        XCTAssertEqual(commands.filter { $0.name == "rpush" }.first?.arguments[1], reserved, "migrated back unchanged")
    }

    func testBlockingPopKeepsItsKeyAndTimeout() throws {
        let commands = MonitorNormalizer().normalize(try capture("idle-block-for"))
        let blpop = try XCTUnwrap(commands.first { $0.name == "BLPOP" })
        XCTAssertEqual(blpop.arguments, [.bytes(Array("laravel_database_queues:default:notify".utf8)), .bytes(Array("1".utf8))])
    }

    func testDiffAcceptsOnlyTheLegitimateDifferences() throws {
        let php = MonitorNormalizer().normalize(try capture("pop-delete")).filter { $0.name != "GET" }
        // Shuttle's spelling of the same operation: EVALSHA, other client, extra ARGV, the quarantine key.
        var shuttle = try capture("pop-delete").filter { $0.name != "GET" && $0.name != "SELECT" }
        for i in shuttle.indices where shuttle[i].name == "EVAL" {
            shuttle[i].origin = .client("127.0.0.1:1")
            shuttle[i].arguments[0] = Array("EVALSHA".utf8)
            shuttle[i].arguments[1] = Array("0123456789abcdef0123456789abcdef01234567".utf8)
            shuttle[i].arguments.append(Array("-1".utf8))
        }
        let pop = try XCTUnwrap(shuttle.lastIndex { $0.name == "EVALSHA" })
        shuttle[pop].arguments[2] = Array("4".utf8)
        shuttle[pop].arguments.insert(Array("laravel_database_queues:pull:shuttle-quarantine".utf8), at: 6)
        let normalizedShuttle = MonitorNormalizer().normalize(shuttle)
        XCTAssertEqual(MonitorDiff.differences(php: php, shuttle: normalizedShuttle), [])

        // What must not differ: a key, the database, a member byte, a script call's name, a second job id.
        var otherKey = shuttle
        otherKey[pop].arguments[3] = Array("laravel_database_queues:other".utf8)
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(otherKey)).isEmpty)
        var otherDatabase = shuttle
        otherDatabase[0].database = 3
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(otherDatabase)).isEmpty)
        var otherMember = shuttle
        let zrem = try XCTUnwrap(otherMember.firstIndex { $0.name == "ZREM" })
        otherMember[zrem].arguments[2] = replacing(#""attempts":1"#, with: #""attempts":2"#, in: otherMember[zrem].arguments[2])
        XCTAssertNotEqual(otherMember[zrem].arguments, shuttle[zrem].arguments)
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(otherMember)).isEmpty)
        var otherName = shuttle
        let lpop = try XCTUnwrap(otherName.firstIndex { $0.name == "lpop" })
        otherName[lpop].arguments[0] = Array("rpop".utf8)
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(otherName)).isEmpty)
        var otherJob = shuttle
        otherJob[zrem].arguments[2] = replacing("f7801c1a-138b-414b-b7ee-d33b1f38948f", with: "00000000-0000-4000-8000-000000000000",
                                                in: otherJob[zrem].arguments[2])
        XCTAssertNotEqual(otherJob[zrem].arguments, shuttle[zrem].arguments)
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(otherJob)).isEmpty, "another uuid is <uuid#2>")
        var extraKey = shuttle
        extraKey[pop].arguments[6] = Array("laravel_database_queues:pull:elsewhere".utf8)
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(extraKey)).isEmpty)
        var lateScore = shuttle
        let zadd = try XCTUnwrap(lateScore.firstIndex { $0.name == "zadd" })
        lateScore[zadd].arguments[2] = Array("1795982996".utf8)
        XCTAssertFalse(MonitorDiff.differences(php: php, shuttle: MonitorNormalizer().normalize(lateScore)).isEmpty, "score 100 s out, not 90")
    }

    private func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }
}
