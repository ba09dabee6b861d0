import Logging
import PHPFormats
import ShuttleOperations
import Synchronization
import XCTest

/// The log backend: JSON lines that parse, with metadata as fields, and secret values redacted everywhere.
final class ShuttleLogHandlerTests: XCTestCase {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ bytes: [UInt8]) { lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static let environment = ["APP_KEY": "base64:c2VjcmV0LWFwcC1rZXktMDEyMzQ1Njc4OWFiY2RlZg==", "REDIS_PASSWORD": "redis-secret-42",
                              "DB_PASSWORD": "pg-secret-777", "MONZO_CLIENT_SECRET": "mz-secret-0099", "DB_HOST": "127.0.0.1"]

    func logger(_ format: LogFormat, _ lines: Lines) -> Logger {
        let redactor = SecretRedactor(environment: Self.environment)
        var logger = Logger(label: "test") { label in
            ShuttleLogHandler(label: label, format: format, level: .debug, redactor: redactor, write: lines.append)
        }
        logger.logLevel = .debug
        return logger
    }

    func testJSONLinesParseWithFieldsAndWithoutSecrets() throws {
        let lines = Lines()
        let log = logger(.json, lines)
        log.error("failed connecting with pg-secret-777", metadata: [
            "job": "App\\Jobs\\Pull", "attempt": "2", "dsn": "redis://:redis-secret-42@127.0.0.1", "message": "shadowed",
            "key": "c2VjcmV0LWFwcC1rZXktMDEyMzQ1Njc4OWFiY2RlZg==", "host": "127.0.0.1",
        ])
        log.info("token mz-secret-0099 refreshed")
        XCTAssertEqual(lines.all.count, 2)
        for line in lines.all {
            XCTAssertTrue(line.hasSuffix("}\n"))
            XCTAssertFalse(line.dropLast().contains("\n"))
            for secret in ["redis-secret-42", "pg-secret-777", "mz-secret-0099", "c2VjcmV0LWFwcC1rZXktMDEyMzQ1Njc4OWFiY2RlZg=="] {
                XCTAssertFalse(line.contains(secret), line)
            }
        }
        let first = try JSONParser.parse(lines.all[0])
        XCTAssertEqual(first["level"], .string("error"))
        XCTAssertEqual(first["label"], .string("test"))
        XCTAssertEqual(first["message"], .string("failed connecting with [redacted]"))
        XCTAssertEqual(first["meta_message"], .string("shadowed"))
        XCTAssertEqual(first["job"], .string("App\\Jobs\\Pull"))
        XCTAssertEqual(first["dsn"], .string("redis://:[redacted]@127.0.0.1"))
        XCTAssertEqual(first["host"], .string("127.0.0.1"))
        XCTAssertNotNil(first["time"]?.stringValue?.hasSuffix("Z"))
    }

    func testTextLinesCarryMetadataAsKeyValues() {
        let lines = Lines()
        logger(.text, lines).notice("released", metadata: ["queue": "pull", "error": "two words"])
        let line = lines.all.first ?? ""
        // swift-log's StreamLogHandler layout.
        XCTAssertTrue(line.hasSuffix(" notice test: error=two words queue=pull [OperationsTests] released\n"), line)
    }

    func testShortValuesAreNotTakenForSecrets() {
        let redactor = SecretRedactor(environment: ["DB_PASSWORD": "root", "REDIS_PASSWORD": "null"])
        XCTAssertEqual(redactor.redact("root ran null"), "root ran null")
    }
}
