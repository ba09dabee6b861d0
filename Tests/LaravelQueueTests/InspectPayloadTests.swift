import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import PHPSerialization
import TestSupport
import XCTest

/// `PayloadInspector` on every captured payload, checked against PHP reading the same bytes: PHP's
/// `json_decode` of the payload, and `unserialize(…, ['allowed_classes' => false])` of its command (after
/// Laravel's own `Encrypter::decrypt` for encrypted ones), rendered by the same rules in PHP.
final class InspectPayloadTests: XCTestCase {
    static let appKey = "base64:cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM="

    /// Every raw payload among the fixtures: the captures of each Laravel version and the app's examples.
    static func payloadFixtures() throws -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for directory in try manager.contentsOfDirectory(atPath: TestEnvironment.fixtures.path).sorted() {
            guard directory.hasPrefix("laravel") || directory == "queue" else { continue }
            for file in try manager.contentsOfDirectory(atPath: TestEnvironment.fixtures.appendingPathComponent(directory).path).sorted() {
                if directory == "queue" ? file.hasSuffix(".payload.json") : (file.hasSuffix(".json") && file != "index.json") {
                    paths.append("\(directory)/\(file)")
                }
            }
        }
        return paths
    }

    func testEveryFixtureReadsAsPHPReadsIt() throws {
        let fixtures = try Self.payloadFixtures()
        XCTAssertGreaterThan(fixtures.count, 100)
        let inspector = PayloadInspector(encrypter: try Encrypter(appKey: Self.appKey))
        let php = try InspectPHPReference.render(fixtures.map { TestEnvironment.fixtures.appendingPathComponent($0).path }, appKey: Self.appKey)
        var encrypted = 0, models = 0
        for (index, fixture) in fixtures.enumerated() {
            let bytes = try TestEnvironment.fixture(fixture)
            let ours = try inspector.inspect(bytes)
            let theirs = try JSONParser.parse(php[index])
            XCTAssertEqual(Self.normalized(ours), Self.normalized(theirs), fixture)
            // Field order is the payload's own.
            XCTAssertEqual(ours["payload"]?.objectValue?.keys, try Payload(bytes: bytes).json.keys, fixture)
            if ours["command"]?["encrypted"] == .bool(true) { encrypted += 1 }
            if let command = try Payload(bytes: bytes).commandBytes, JobCommand.isSerializedObject(command),
               try !JobCommand(serialized: command).models.isEmpty { models += 1 }
        }
        XCTAssertGreaterThan(encrypted, 6, "the encrypted fixtures were decrypted")
        XCTAssertGreaterThan(models, 10, "fixtures with ModelIdentifiers were seen")
    }

    /// The text is valid JSON for the same value, indented as PHP's JSON_PRETTY_PRINT (with 2 spaces, not 4).
    func testPrettyPrintMatchesPHPsPrettyPrint() throws {
        let fixtures = Array(try Self.payloadFixtures().prefix(40))
        let paths = fixtures.map { TestEnvironment.fixtures.appendingPathComponent($0).path }
        let compact = try InspectPHPReference.render(paths, appKey: Self.appKey)
        let pretty = try InspectPHPReference.render(paths, appKey: Self.appKey, pretty: true)
        for (index, fixture) in fixtures.enumerated() {
            let value = try JSONParser.parse(compact[index])
            let ours = try JSONPrettyPrinter.print(value)
            XCTAssertEqual(ours, Self.halveIndent(pretty[index]), fixture)
            XCTAssertEqual(try JSONParser.parse(ours), value, fixture)
        }
        let inspector = PayloadInspector(encrypter: try Encrypter(appKey: Self.appKey))
        let bytes = try TestEnvironment.fixture("laravel12/model-relations.reserved.json")
        XCTAssertEqual(try JSONParser.parse(try inspector.inspectText(bytes)), try inspector.inspect(bytes))
    }

    func testFailedJobsPayloadShowsTheAttemptsItFailedWith() throws {
        let bytes = try TestEnvironment.fixture("laravel8/fails.failed.json")
        let result = try PayloadInspector().inspect(bytes)
        let payload = try Payload(bytes: bytes)
        XCTAssertEqual(result["payload"]?["attempts"]?.numberValue?.integerValue, payload.attempts)
        XCTAssertEqual(result["command"]?["class"]?.stringValue, try JobCommand(serialized: XCTUnwrap(payload.commandBytes)).className)
        // Non-ASCII property text comes out as text, not escapes or base64.
        let reason = result["command"]?["properties"]?.arrayValue?.first { $0["name"]?.stringValue == "reason" }
        XCTAssertTrue(reason?["value"]?.stringValue?.contains("ünïcødé") == true)
    }

    func testEncryptedCommandWithoutKeyIsMarkedNotDecrypted() throws {
        let result = try PayloadInspector().inspect(try TestEnvironment.fixture("laravel11/encrypted.json"))
        XCTAssertEqual(result["command"], .object(JSONObject(["encrypted": .bool(true), "decrypted": .bool(false)])))
    }

    // MARK: - Errors: one line naming the part and the offset

    func testInvalidJSONNamesTheByteOffset() throws {
        let bytes = Array(#"{"uuid":"x","attempts":0,}"#.utf8)
        let parserOffset: Int
        do { _ = try JSONParser.parse(bytes); return XCTFail("parsed") } catch let error as JSONParser.Error { parserOffset = error.offset }
        XCTAssertThrowsError(try PayloadInspector().inspect(bytes)) { error in
            let e = error as? InspectionError
            XCTAssertEqual(e?.part, "payload")
            XCTAssertTrue(e?.description.contains("at byte \(parserOffset):") == true, "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertThrowsError(try PayloadInspector().inspect(Array("[1,2]".utf8))) { error in
            XCTAssertEqual((error as? InspectionError)?.part, "payload")
        }
    }

    func testBadSerializedCommandNamesTheUnserializerOffset() throws {
        let payload = try Payload(bytes: try TestEnvironment.fixture("laravel10/plain.json"))
        let command = try XCTUnwrap(payload.commandBytes)
        // Cut the command inside its property list, and corrupt a type tag in another copy.
        var corrupted = command
        let tag = try XCTUnwrap(corrupted.indices.dropFirst(10).first { corrupted[$0] == UInt8(ascii: "s") && corrupted[$0 + 1] == UInt8(ascii: ":") })
        corrupted[tag] = UInt8(ascii: "Z")
        for broken in [Array(command.prefix(command.count / 2)), corrupted] {
            let bytes = try payload.rewritten(options: .laravelPayload) { object in
                var data = object["data"]?.objectValue ?? JSONObject()
                data["command"] = .string(broken)
                object["data"] = .object(data)
            }.rawBytes
            var expectedOffset = -1
            do { _ = try PHPUnserializer.unserialize(broken) } catch { expectedOffset = error.offset }
            XCTAssertGreaterThan(expectedOffset, 0)
            XCTAssertThrowsError(try PayloadInspector().inspect(bytes)) { error in
                let e = error as? InspectionError
                XCTAssertEqual(e?.part, "data.command")
                XCTAssertTrue(e?.reason.contains("byte offset \(expectedOffset):") == true, "\(error)")
            }
        }
    }

    func testWrongAppKeyIsAnErrorNotAGuess() throws {
        let other = try Encrypter(appKey: "base64:" + Data(repeating: 7, count: 32).base64EncodedString())
        for version in ["laravel8", "laravel13"] {
            XCTAssertThrowsError(try PayloadInspector(encrypter: other).inspect(try TestEnvironment.fixture("\(version)/encrypted.json"))) { error in
                let e = error as? InspectionError
                XCTAssertEqual(e?.part, "data.command")
                XCTAssertTrue(e?.reason.hasPrefix("cannot decrypt: The MAC is invalid") == true, "\(error)")
            }
        }
    }

    func testGarbageCommandIsNeitherSerializedNorEncrypted() throws {
        let bytes = Array(#"{"attempts":0,"data":{"commandName":"X","command":"not a command"}}"#.utf8)
        for inspector in [PayloadInspector(), PayloadInspector(encrypter: try Encrypter(appKey: Self.appKey))] {
            XCTAssertThrowsError(try inspector.inspect(bytes)) { error in
                XCTAssertEqual((error as? InspectionError)?.part, "data.command")
            }
        }
    }

    // MARK: - Binary array keys

    /// An encrypted command can carry array keys that are not UTF-8 (the base64 envelope keeps any bytes).
    /// Two such keys must stay two keys, each shown as its bytes, as PHP's own decoder sees them.
    func testBinaryArrayKeysAreRenderedLosslesslyAsPHPReadsThem() throws {
        let encrypter = try Encrypter(appKey: Self.appKey)
        // ["\xFF" => 1, "\xFE" => 2, 7 => "ok", "é" => [..binary value..]]: the first two both decode to U+FFFD.
        var command = Array(#"O:3:"Foo":2:{s:4:"keys";a:4:{s:1:""#.utf8) + [0xFF] + Array(#"";i:1;s:1:""#.utf8) + [0xFE]
        command += Array(#"";i:2;i:7;s:2:"ok";s:2:"é";s:1:""#.utf8) + [0x80] + Array(#"";}s:4:"text";a:1:{s:1:"a";i:1;}}"#.utf8)
        let envelope = try encrypter.encryptCommand(command)
        let bytes = Array(#"{"uuid":"u","displayName":"Foo","attempts":0,"data":{"commandName":"Foo","command":"\#(envelope)"}}"#.utf8)

        let result = try PayloadInspector(encrypter: encrypter).inspect(bytes)
        let properties = try XCTUnwrap(result["command"]?["properties"]?.arrayValue)
        XCTAssertEqual(properties.first?["value"], .object(JSONObject(["entries": .array([
            .object(JSONObject(["key": .object(JSONObject(["base64": .string("/w==")])), "value": .int(1)])),
            .object(JSONObject(["key": .object(JSONObject(["base64": .string("/g==")])), "value": .int(2)])),
            .object(JSONObject(["key": .int(7), "value": .string("ok")])),
            .object(JSONObject(["key": .string("é"), "value": .object(JSONObject(["base64": .string("gA==")]))])),
        ])])))
        XCTAssertEqual(properties.last?["value"], .object(JSONObject(["a": .int(1)])), "UTF-8 keys stay JSON keys")
        // The text is valid JSON that keeps both keys apart.
        let text = try JSONPrettyPrinter.print(result)
        XCTAssertEqual(try JSONParser.parse(text), result)
        XCTAssertFalse(text.contains("\u{FFFD}"))

        let file = try TestEnvironment.temporaryDirectory("shuttle-inspect").appendingPathComponent("binary-keys.json")
        try Data(bytes).write(to: file)
        let php = try InspectPHPReference.render([file.path], appKey: Self.appKey)
        XCTAssertEqual(Self.normalized(result), Self.normalized(try JSONParser.parse(php[0])))
    }

    // MARK: - Payloads the pop script cannot reserve

    func testPayloadWithoutNumericAttemptsIsRefusedWithTheReason() throws {
        let cases = [
            #"{"uuid":"u","job":"X@handle","data":{}}"#, #"{"uuid":"u","attempts":null}"#, #"{"attempts":"many"}"#,
            #"{"attempts":true}"#, #"{"attempts":[1]}"#, #"{"attempts":{}}"#, #"{"attempts":""}"#,
        ]
        for text in cases {
            XCTAssertThrowsError(try PayloadInspector().inspect(Array(text.utf8)), text) { error in
                let e = error as? InspectionError
                XCTAssertEqual(e?.part, "payload", text)
                XCTAssertTrue(e?.reason.hasPrefix(#"no numeric "attempts": Laravel's pop script cannot reserve it"#) == true, "\(error)")
            }
        }
        XCTAssertThrowsError(try PayloadInspector().inspect(Array(#"{"attempts":0,"data":{"x":1e400}}"#.utf8))) { error in
            XCTAssertTrue("\(error)".contains("cannot reserve it"), "\(error)")
        }
        // Lua's arithmetic takes numeric strings: Laravel reserves these.
        for text in [#"{"attempts":"2"}"#, #"{"attempts":" 3 "}"#, #"{"attempts":-1}"#, #"{"attempts":2.5}"#] {
            XCTAssertNoThrow(try PayloadInspector().inspect(Array(text.utf8)), text)
        }
    }

    /// The rule is the pop script's own: every `attempts` it quarantines is refused, every one it reserves is not.
    func testUnreservableMeansWhatThePopScriptQuarantines() async throws {
        let scratch = try await RedisQueueScratch.make()
        let attempts = [
            "0", "7", "-1", "2.5", "1e3", "1e400", "-1e400", "null", "true", "false", "[]", "{}", "[1]",
            #""3""#, #"" 4 ""#, #""\t5\n""#, #""0x10""#, #""1e2""#, #""inf""#, #""nan""#, #""""#, #""abc""#, #""3abc""#,
            #""1_0""#, #""3\u00004""#,
        ]
        var payloads = attempts.map { Array(#"{"uuid":"u","attempts":\#($0)}"#.utf8) }
        payloads.append(Array(#"{"uuid":"u"}"#.utf8))
        payloads.append(Array(#"{"attempts":0,"data":{"deep":[1e999]}}"#.utf8))
        do {
            try await scratch.rpushRaw("queues:default", payloads)
            let result = try await scratch.queue().pop(count: payloads.count)
            XCTAssertEqual(result.jobs.count + result.quarantined.count, payloads.count)
            let quarantined = Set(result.quarantined.map(\.bytes))
            XCTAssertGreaterThan(quarantined.count, 5)
            XCTAssertGreaterThan(result.jobs.count, 5)
            for payload in payloads {
                let refused = try Payload(bytes: payload).unreservableReason != nil
                XCTAssertEqual(refused, quarantined.contains(payload), String(decoding: payload, as: UTF8.self))
            }
        } catch {
            await scratch.cleanup()
            throw error
        }
        await scratch.cleanup()
    }

    // MARK: - Helpers

    /// Numbers compared as PHP holds them (cjson re-prints `1795982928` as `1.795982928e+09`).
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let n): return .number(JSONNumber(n.doubleValue) ?? n)
        case .array(let a): return .array(a.map(normalized))
        case .object(let o): return .object(JSONObject(o.members.map { JSONObject.Member(key: $0.key, value: normalized($0.value)) }))
        default: return value
        }
    }

    static func halveIndent(_ text: String) -> String {
        text.components(separatedBy: "\n").map { line in
            let spaces = line.prefix { $0 == " " }.count
            return String(repeating: " ", count: spaces / 2) + line.dropFirst(spaces)
        }.joined(separator: "\n")
    }
}

/// The inspector's rendering rules written in PHP, over PHP's own decoders.
enum InspectPHPReference {
    /// One JSON text per file, in order.
    static func render(_ paths: [String], appKey: String, pretty: Bool = false) throws -> [String] {
        let input = try JSONSerialization.data(withJSONObject: ["files": paths, "key": appKey, "pretty": pretty])
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("shuttle-inspect-\(getpid()).php")
        try Data(source.utf8).write(to: script, options: .atomic)
        let out = try ProcessRunner.run(["php", script.path], stdin: [UInt8](input)).stdout
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out)) as? [String])
        XCTAssertEqual(list.count, paths.count)
        return list
    }

    static let source = #"""
    <?php
    require 'Illuminate/autoload.php';
    $in = json_decode(stream_get_contents(STDIN), true);
    $encrypter = new Illuminate\Encryption\Encrypter(base64_decode(substr($in['key'], 7)), 'AES-256-CBC');

    function value($v) {
        if (is_float($v) && !is_finite($v)) return is_nan($v) ? 'NAN' : ($v < 0 ? '-INF' : 'INF');
        if (is_string($v)) return mb_check_encoding($v, 'UTF-8') ? $v : ['base64' => base64_encode($v)];
        if (is_array($v)) {
            foreach (array_keys($v) as $k) {
                if (is_string($k) && !mb_check_encoding($k, 'UTF-8')) {
                    return ['entries' => array_map(fn ($k, $x) => ['key' => value($k), 'value' => value($x)], array_keys($v), $v)];
                }
            }
            $r = []; foreach ($v as $k => $x) $r[$k] = value($x); return $r;
        }
        if (is_object($v)) return object($v);
        return $v;
    }
    function object($o) {
        $a = (array) $o;
        $class = $a['__PHP_Incomplete_Class_Name'];
        unset($a['__PHP_Incomplete_Class_Name']);
        if ($class === 'Illuminate\Contracts\Database\ModelIdentifier') {
            $r = ['model' => $a['class'] ?? null, 'id' => value($a['id'] ?? null),
                  'relations' => array_values(array_filter($a['relations'] ?? [], 'is_string')), 'connection' => $a['connection'] ?? null];
            if (array_key_exists('collectionClass', $a)) $r['collectionClass'] = $a['collectionClass'];
            return $r;
        }
        return ['class' => $class, 'properties' => properties($a, false)];
    }
    function properties($a, $decodeChain) {
        $props = [];
        foreach ($a as $key => $x) {
            $key = (string) $key;
            if ($key !== '' && $key[0] === "\0") {
                [, $scope, $name] = explode("\0", $key, 3);
                $p = ['name' => $name, 'visibility' => $scope === '*' ? 'protected' : 'private'];
                if ($scope !== '*') $p['declaringClass'] = $scope;
            } else {
                $p = ['name' => $key, 'visibility' => 'public'];
            }
            if ($decodeChain && $key === 'chained' && is_array($x) && array_is_list($x)) {
                $p['value'] = array_map(function ($e) {
                    if (is_string($e) && str_starts_with($e, 'O:') && is_object($o = @unserialize($e, ['allowed_classes' => false]))) {
                        return ['serialized' => command($o, false)];
                    }
                    return value($e);
                }, $x);
            } else {
                $p['value'] = value($x);
            }
            $props[] = $p;
        }
        return $props;
    }
    function command($o, $encrypted) {
        $a = (array) $o;
        $r = $encrypted ? ['encrypted' => true] : [];
        $r['class'] = $a['__PHP_Incomplete_Class_Name'];
        unset($a['__PHP_Incomplete_Class_Name']);
        $r['properties'] = properties($a, true);
        return $r;
    }

    $out = [];
    foreach ($in['files'] as $file) {
        $raw = file_get_contents($file);
        $result = ['payload' => json_decode($raw, false, 512, JSON_THROW_ON_ERROR)];
        $decoded = json_decode($raw, true);
        if (isset($decoded['data']['command'])) {
            $cmd = $decoded['data']['command'];
            $encrypted = !str_starts_with($cmd, 'O:');
            $serialized = $encrypted ? $encrypter->decrypt($cmd) : $cmd;
            $result['command'] = command(unserialize($serialized, ['allowed_classes' => false]), $encrypted);
        }
        $flags = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR | ($in['pretty'] ? JSON_PRETTY_PRINT : 0);
        $out[] = json_encode($result, $flags);
    }
    echo json_encode($out);
    """#
}
