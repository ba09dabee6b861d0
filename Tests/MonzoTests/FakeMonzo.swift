import Foundation
import HTTP
import PHPFormats
import TestSupport

/// `scripts/fake-monzo/server.py` on a free loopback port, with a private CA made once per test run:
/// Monzo's API over real HTTPS, its failure modes and request log driven through `/_admin/*`.
final class FakeMonzo: @unchecked Sendable {
    let process: Process
    let port: Int
    let caFile: String
    let http: HTTPClient
    var base: String { "https://127.0.0.1:\(port)" }

    /// The private CA and server certificate (`scripts/tls/make-ca.sh`, which keeps an existing set).
    static func certificates() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shuttle-fake-monzo-ca").path
        try ProcessRunner.run(["bash", TestEnvironment.repositoryRoot.appendingPathComponent("scripts/tls/make-ca.sh").path, dir])
        return dir
    }

    /// Starts the fake; `arguments` are its flags (`--history 250`, `--history-end …`). Its stdout goes to a
    /// file polled for the port, so nothing here blocks a thread.
    init(_ arguments: [String] = []) async throws {
        let dir = try Self.certificates()
        caFile = dir + "/ca.pem"
        let out = try TestEnvironment.temporaryDirectory("fake-monzo").appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestEnvironment.repositoryRoot.appendingPathComponent("scripts/fake-monzo/server.py").path,
                             "--port", "0", "--cert-dir", dir] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        try process.run()
        var port: Int? = nil
        for _ in 0..<600 where port == nil {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if text.hasSuffix("\n") { port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil {
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw FakeMonzoError(message: "fake Monzo did not print its port")
        }
        self.port = port
        http = HTTPClient(configuration: HTTPClientConfiguration(caFile: caFile))
    }

    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        await http.shutdown()
    }

    struct FakeMonzoError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    @discardableResult
    func admin(_ method: HTTPMethod, _ path: String, _ body: String = "") async throws -> JSONValue {
        let response = try await http.send(HTTPRequest(method: method, url: base + "/_admin/" + path,
                                                       headers: ["Content-Type": "application/json"], body: Array(body.utf8)))
        guard response.status == 200 else { throw FakeMonzoError(message: "admin \(path): HTTP \(response.status)") }
        return try JSONParser.parse(response.body)
    }

    /// The next `times` API calls (to `paths`, else any) fail as `fail` says: "429", "500", "malformed", "401".
    func failNext(_ fail: String, times: Int = 1, retryAfter: Int = 1, paths: [String]? = nil) async throws {
        let list = paths.map { ", \"paths\": [" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" } ?? ""
        try await admin(.post, "mode", "{\"fail\": \"\(fail)\", \"times\": \(times), \"retry_after\": \(retryAfter)\(list)}")
    }

    func setDelay(milliseconds: Int) async throws { try await admin(.post, "mode", "{\"delay_ms\": \(milliseconds)}") }

    /// Every access token the fake has issued so far stops working.
    func expireAccessTokens() async throws { try await admin(.post, "expire", "{}") }

    struct LoggedRequest {
        let method: String, path: String, query: String, token: String?
    }

    func requests() async throws -> [LoggedRequest] {
        try await admin(.get, "requests")["requests"]!.arrayValue!.map {
            LoggedRequest(method: $0["method"]!.stringValue!, path: $0["path"]!.stringValue!, query: $0["query"]!.stringValue!,
                          token: $0["token"]?.stringValue)
        }
    }

    func clearRequests() async throws { try await admin(.delete, "requests") }

    func state() async throws -> JSONValue { try await admin(.get, "state") }
}
