import LaravelQueue
import PHPFormats
import XCTest

/// Polls `condition` until true or `timeout` passes (then fails the test).
func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
                file: StaticString = #filePath, line: UInt = #line,
                _ condition: () async throws -> Bool) async rethrows {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try? await Task.sleep(for: .milliseconds(20))
    }
    XCTFail("timed out waiting for: \(what())", file: file, line: line)
}

extension Payload {
    /// The `attempts` of some payload bytes.
    static func attempts(of bytes: [UInt8]) -> Int? { (try? Payload(bytes: bytes))?.attempts }
    /// The `uuid` of some payload bytes.
    static func uuid(of bytes: [UInt8]) -> String? { (try? Payload(bytes: bytes))?.uuid }
}
