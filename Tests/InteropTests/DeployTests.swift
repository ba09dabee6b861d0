import Foundation
import TestSupport
import XCTest

/// deploy/: the supervisor program run for real by supervisord (start, work a job, a crash restarted,
/// `php artisan queue:restart` restarting it, a graceful stop), and the systemd unit verified by
/// `systemd-analyze verify` and checked field by field (no systemd runs as PID 1 here to start it).
final class DeployTests: InteropTestCase {
    let deploy = TestEnvironment.repositoryRoot.appendingPathComponent("deploy")

    /// The example file with this test's binary, app directory, queue, port and user put in.
    private func render(_ file: String, port: Int) throws -> String {
        try String(contentsOf: deploy.appendingPathComponent(file), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/shuttle", with: try Self.shuttleBinary().path)
            .replacingOccurrences(of: "/var/log/shuttle.log", with: directory.appendingPathComponent("shuttle.log").path)
            .replacingOccurrences(of: "/var/www/app", with: directory.path)
            .replacingOccurrences(of: "--queue=pull", with: "--queue=default")
            .replacingOccurrences(of: "127.0.0.1:9100", with: "127.0.0.1:\(port)")
            .replacingOccurrences(of: "www-data", with: NSUserName())
    }

    private func supervisorctl(_ conf: URL, _ arguments: String...) throws -> String {
        try ProcessRunner.run(["supervisorctl", "-c", conf.path] + arguments, check: false).stdoutText
    }

    private func runningPID(_ status: String) -> Int? {
        guard status.contains("RUNNING"), let r = status.range(of: #"pid [0-9]+"#, options: .regularExpression) else { return nil }
        return Int(status[r].dropFirst(4))
    }

    func testSupervisorProgramStartsRestartsAndStopsShuttle() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/supervisord") else {
            throw Failure(description: "supervisord is missing: scripts/install-deps.sh installs Debian's supervisor")
        }
        environment["CACHE_DRIVER"] = "redis"
        // The app's .env, which the program's --env-file names: supervisord itself gets no Laravel variable.
        let dotEnv = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n"
        try Data(dotEnv.utf8).write(to: directory.appendingPathComponent(".env"))
        let port = try HTTPGet.freePort()
        let program = directory.appendingPathComponent("shuttle.conf")
        try Data(try render("supervisor/shuttle.conf", port: port).utf8).write(to: program)
        let conf = directory.appendingPathComponent("supervisord.conf")
        let d = directory.path
        try Data("""
            [unix_http_server]
            file=\(d)/supervisor.sock
            [supervisord]
            logfile=\(d)/supervisord.log
            pidfile=\(d)/supervisord.pid
            childlogdir=\(d)
            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            [supervisorctl]
            serverurl=unix://\(d)/supervisor.sock
            [include]
            files = \(program.path)

            """.utf8).write(to: conf)
        let supervisord = try BackgroundProcess("supervisord", ["supervisord", "-n", "-c", conf.path], environment: [:], directory: directory)
        defer {
            _ = try? supervisorctl(conf, "shutdown")
            if supervisord.waitForExit(timeout: 30) == nil { supervisord.kill() }
        }
        let log = { (try? String(contentsOf: self.directory.appendingPathComponent("shuttle.log"), encoding: .utf8)) ?? "" }

        var pid: Int?
        try waitUntil("shuttle RUNNING under supervisord", timeout: 30, context: log()) {
            pid = runningPID(try supervisorctl(conf, "status"))
            return pid != nil
        }
        try waitUntil("/health answers 200", timeout: 30, context: log()) { (try? HTTPGet.get(port: port, "/health"))?.status == 200 }
        try dispatch("probe", "--json", #"{"record":"rec"}"#)
        try waitForRecord("rec", "the job run by supervisor's shuttle") { $0.outcome == "ok" && $0.byShuttle }

        // A crash: supervisor starts a new one.
        kill(pid_t(pid!), SIGKILL)
        var restarted: Int?
        try waitUntil("a new shuttle after SIGKILL", timeout: 30, context: log()) {
            restarted = runningPID(try supervisorctl(conf, "status"))
            return restarted != nil && restarted != pid
        }

        // A deploy: queue:restart makes it finish and exit 0, and supervisor starts the new code.
        try waitUntil("the restarted worker's /health", timeout: 30, context: log()) { (try? HTTPGet.get(port: port, "/health"))?.status == 200 }
        try artisan("queue:restart")
        var afterRestart: Int?
        try waitUntil("a new shuttle after queue:restart", timeout: 30, context: log()) {
            afterRestart = runningPID(try supervisorctl(conf, "status"))
            return afterRestart != nil && afterRestart != restarted
        }
        XCTAssertTrue(log().contains("worker stopped"), log())

        // A graceful stop: SIGTERM, the worker says so and exits before stopwaitsecs.
        let stopped = try supervisorctl(conf, "stop", "shuttle:*")
        XCTAssertTrue(stopped.contains("stopped"), stopped)
        XCTAssertTrue(try supervisorctl(conf, "status").contains("STOPPED"))
        XCTAssertEqual(kill(pid_t(afterRestart!), 0), -1, "the process is gone")
        XCTAssertFalse(try supervisorctl(conf, "status").contains("FATAL"))
    }

    func testSystemdUnitVerifiesAndOutlastsTheLongestJob() throws {
        let unit = try render("systemd/shuttle.service", port: 9100)
        // systemd-analyze wants the file named as a unit.
        let file = directory.appendingPathComponent("shuttle.service")
        try Data(unit.utf8).write(to: file)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            let result = try ProcessRunner.run(["systemd-analyze", "verify", file.path], check: false)
            XCTAssertEqual(result.status, 0, result.stderrText)
            // verify reports unknown or malformed settings on stderr without failing.
            XCTAssertEqual(result.stderrText.split(separator: "\n").filter { $0.contains("shuttle.service") }, [], result.stderrText)
        }
        var fields: [String: String] = [:]
        for line in unit.split(separator: "\n") where !line.hasPrefix("#") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        XCTAssertEqual(fields["Restart"], "always", "queue:restart exits 0: the unit must restart on success too")
        XCTAssertEqual(fields["KillSignal"], "SIGTERM")
        let exec = try XCTUnwrap(fields["ExecStart"])
        XCTAssertTrue(exec.contains(" work "), exec)
        let jobTimeout = exec.split(separator: " ").first { $0.hasPrefix("--timeout=") }.flatMap { Int($0.dropFirst(10)) } ?? 60
        let stopTimeout = try XCTUnwrap(fields["TimeoutStopSec"].flatMap(Int.init))
        XCTAssertGreaterThan(stopTimeout, jobTimeout)
        // The supervisor program waits as long.
        let program = try render("supervisor/shuttle.conf", port: 9100)
        let stopWait = program.split(separator: "\n").first { $0.hasPrefix("stopwaitsecs=") }.flatMap { Int($0.dropFirst(13)) }
        XCTAssertGreaterThan(try XCTUnwrap(stopWait), jobTimeout)
        XCTAssertTrue(program.contains("stopsignal=TERM") && program.contains("autorestart=true"))
    }
}
