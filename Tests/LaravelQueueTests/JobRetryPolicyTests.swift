import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

/// Spec §6.2/§6.3 rule by rule, then the same arithmetic checked case by case against Laravel 8's own
/// `Worker` methods run by php-cli.
final class JobRetryPolicyTests: XCTestCase {
    let now = 1_700_000_000

    private func payload(_ fields: String) throws -> Payload {
        try Payload("{\(fields)\(fields.isEmpty ? "" : ",")\"attempts\":0}")
    }

    func testBackoffListGivesOneValuePerAttemptThenRepeatsTheLast() {
        let policy = JobRetryPolicy(maxTries: 4, retryUntil: nil, backoff: "10,60")
        XCTAssertEqual((1...5).map { policy.backoffSeconds(attempts: $0) }, [10, 60, 60, 60, 60])
        XCTAssertEqual(JobRetryPolicy(maxTries: 1, retryUntil: nil, backoff: "5").backoffSeconds(attempts: 3), 5)
        XCTAssertEqual(JobRetryPolicy(maxTries: 1, retryUntil: nil, backoff: "1,2,3").backoffSeconds(attempts: 2), 2)
        // `$list[attempts - 1] ?? last($list)`: an index below the list also takes the last element.
        XCTAssertEqual(JobRetryPolicy(maxTries: 1, retryUntil: nil, backoff: "1,2,3").backoffSeconds(attempts: 0), 3)
    }

    func testBackoffElementsAreCastAsPHPIntCastsStrings() {
        func first(_ b: String) -> Int { JobRetryPolicy(maxTries: 1, retryUntil: nil, backoff: b).backoffSeconds(attempts: 1) }
        XCTAssertEqual(first(""), 0)
        XCTAssertEqual(first(" 7"), 7)
        XCTAssertEqual(first("\u{0B}8"), 8)
        XCTAssertEqual(first("12abc"), 12)
        XCTAssertEqual(first("abc"), 0)
        XCTAssertEqual(first("1.9"), 1)
        XCTAssertEqual(first("1e3"), 1000)
        XCTAssertEqual(first("-4"), -4)
        XCTAssertEqual(first("0x1A"), 0)
        XCTAssertEqual(first("99999999999999999999"), Int.max)
        XCTAssertEqual(JobRetryPolicy(maxTries: 1, retryUntil: nil, backoff: "3, 9").backoffSeconds(attempts: 2), 9)
    }

    /// `JobRetryPolicy.phpIntCast` against PHP 8's `(int)` itself.
    func testIntCastMatchesPHP() throws {
        let inputs = ["", "0", "42", " 42", "\t\n\r\u{0B}\u{0C}42", "42 ", "+4", "-4", " -3x", "1.9", "-1.9", ".5", "5.", ".",
                      "1e3", "1E3", "1e", "1e+2", "2.5e-1", "1.5e3abc", "e3", "0x1A", "0b1", "012", "abc", "--1", "+-1",
                      "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e100", "-1e100", "١٢"]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: inputs), as: UTF8.self)
        let php = try ProcessRunner.phpCode(
            "echo json_encode(array_map(fn ($s) => (int) $s, json_decode(stream_get_contents(STDIN), true)));", stdin: Array(json.utf8))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(php.stdout)) as? [Int])
        XCTAssertEqual(inputs.map { JobRetryPolicy.phpIntCast($0[...]) }, expected)
    }

    func testPayloadBackoffOverridesDelayWhichOverridesTheWorkerOption() throws {
        let both = try payload(#""backoff":"7","delay":40"#)
        XCTAssertEqual(JobRetryPolicy(payload: both, workerTries: 1, workerBackoff: "3").backoffSeconds(attempts: 1), 7)
        // v12.11+ writes the later() delay into `delay`: a job without its own backoff is released with it.
        let delayed = try payload(#""backoff":null,"delay":40"#)
        XCTAssertEqual(JobRetryPolicy(payload: delayed, workerTries: 1, workerBackoff: "3").backoffSeconds(attempts: 1), 40)
        // Horizon's later() writes `"delay":null`; older versions have no `delay`: --backoff applies.
        let horizon = try payload(#""backoff":null,"delay":null"#)
        XCTAssertEqual(JobRetryPolicy(payload: horizon, workerTries: 1, workerBackoff: "3").backoffSeconds(attempts: 1), 3)
        XCTAssertEqual(JobRetryPolicy(payload: try payload(""), workerTries: 1, workerBackoff: "2,4").backoffSeconds(attempts: 2), 4)
        // A numeric backoff (not written by Laravel, but readable) is explode()d as its string.
        XCTAssertEqual(JobRetryPolicy(payload: try payload(#""backoff":15"#), workerTries: 1, workerBackoff: "3").backoffSeconds(attempts: 1), 15)
    }

    func testMaxTriesComesFromThePayloadElseTheWorker() throws {
        XCTAssertEqual(JobRetryPolicy(payload: try payload(#""maxTries":5"#), workerTries: 1, workerBackoff: "0").maxTries, 5)
        XCTAssertEqual(JobRetryPolicy(payload: try payload(#""maxTries":null"#), workerTries: 2, workerBackoff: "0").maxTries, 2)
        XCTAssertEqual(JobRetryPolicy(payload: try payload(#""maxTries":0"#), workerTries: 2, workerBackoff: "0").maxTries, 0)
    }

    func testAttemptsRulesWithoutRetryUntil() {
        let three = JobRetryPolicy(maxTries: 3, retryUntil: nil, backoff: "0")
        // Pre-check: fail only once attempts() exceeds maxTries.
        XCTAssertEqual((1...4).map { three.alreadyExceeded(attempts: $0, now: now) }, [false, false, false, true])
        // After an exception: fail when this attempt is the last one.
        XCTAssertEqual((1...4).map { three.willExceed(attempts: $0, now: now) }, [false, false, true, true])
    }

    func testZeroTriesIsUnlimited() {
        let unlimited = JobRetryPolicy(maxTries: 0, retryUntil: nil, backoff: "0")
        for attempts in [1, 2, 100, 10_000] {
            XCTAssertFalse(unlimited.alreadyExceeded(attempts: attempts, now: now))
            XCTAssertFalse(unlimited.willExceed(attempts: attempts, now: now))
        }
    }

    func testNegativeMaxTriesFailsAtThePreCheckButNeverAfterAnException() {
        // PHP: `! (maxTries === 0 || attempts <= maxTries)` fails; `maxTries > 0 && …` does not.
        let negative = JobRetryPolicy(maxTries: -1, retryUntil: nil, backoff: "0")
        XCTAssertTrue(negative.alreadyExceeded(attempts: 1, now: now))
        XCTAssertFalse(negative.willExceed(attempts: 5, now: now))
    }

    func testRetryUntilOverridesMaxTries() {
        let future = JobRetryPolicy(maxTries: 1, retryUntil: now + 5, backoff: "0")
        XCTAssertFalse(future.alreadyExceeded(attempts: 50, now: now))
        XCTAssertFalse(future.willExceed(attempts: 50, now: now))
        XCTAssertFalse(future.alreadyExceeded(attempts: 1, now: now + 5), "now ≤ retryUntil still runs")
        XCTAssertTrue(future.willExceed(attempts: 1, now: now + 5), "retryUntil ≤ now fails after an exception")

        let past = JobRetryPolicy(maxTries: 0, retryUntil: now - 1, backoff: "0")
        XCTAssertTrue(past.alreadyExceeded(attempts: 1, now: now))
        XCTAssertTrue(past.willExceed(attempts: 1, now: now))
    }

    func testRetryUntilZeroIsFalsyLikeInPHP() throws {
        let zero = JobRetryPolicy(payload: try payload(#""maxTries":2,"retryUntil":0"#), workerTries: 1, workerBackoff: "0")
        XCTAssertNil(zero.retryUntil)
        XCTAssertFalse(zero.alreadyExceeded(attempts: 2, now: now))
        XCTAssertTrue(zero.willExceed(attempts: 2, now: now))
    }

    func testLaravel8Before815FailsOnAttemptsEvenWhileRetryUntilIsAhead() throws {
        let p = try payload(#""maxTries":2,"retryUntil":\#(now + 60)"#)
        let old = JobRetryPolicy(payload: p, workerTries: 1, workerBackoff: "0", version: LaravelVersion(8, 14))
        let new = JobRetryPolicy(payload: p, workerTries: 1, workerBackoff: "0", version: LaravelVersion(8, 15))
        XCTAssertTrue(old.willExceed(attempts: 2, now: now))
        XCTAssertFalse(new.willExceed(attempts: 2, now: now))
        XCTAssertFalse(old.alreadyExceeded(attempts: 5, now: now), "the pre-check always honoured retryUntil")
    }

    func testTimeoutAtIsReadAsRetryUntilBefore926() throws {
        let p = try payload(#""timeoutAt":\#(now - 1)"#)
        XCTAssertEqual(JobRetryPolicy(payload: p, workerTries: 0, workerBackoff: "0", version: .v8).retryUntil, now - 1)
        XCTAssertNil(JobRetryPolicy(payload: p, workerTries: 0, workerBackoff: "0", version: LaravelVersion(9, 26)).retryUntil)
    }

    /// Thousands of payload/option/attempt combinations through Laravel 8.83's `Worker` (its protected
    /// `markJobAsFailedIfAlreadyExceedsMaxAttempts`, `markJobAsFailedIfWillExceedMaxAttempts` and
    /// `calculateBackoff`, with a fake job recording `fail()`), compared with the policy for v8.
    func testAgreesWithLaravel8Worker() throws {
        let maxTries = [nil, "null", "0", "1", "3", "-1", "\"2\""]
        let retryUntil = [nil, "null", "0", "\(now - 5)", "\(now)", "\(now + 5)"]
        let timeoutAt = [nil, "\(now - 5)", "\(now + 5)"]
        let backoff = [nil, "null", "\"10,60\"", "\"5\"", "\"\"", "\" 7,1e1,abc\"", "\"1.9\"", "15", "1.5"]
        let delay = [nil, "null", "40"]
        var rng = UInt64(0x5EED)
        func pick<T>(_ list: [T]) -> T {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return list[Int((rng >> 33) % UInt64(list.count))]
        }
        var cases: [[String: Any]] = []
        var policies: [(JobRetryPolicy, Int, Int)] = []
        for _ in 0..<2000 {
            var fields: [String] = []
            for (name, values) in [("maxTries", maxTries), ("retryUntil", retryUntil), ("timeoutAt", timeoutAt),
                                   ("backoff", backoff), ("delay", delay)] {
                if let v = pick(values) { fields.append("\"\(name)\":\(v)") }
            }
            let body = "{" + (fields + ["\"attempts\":0"]).joined(separator: ",") + "}"
            let attempts = pick([1, 2, 3, 4])
            let workerTries = pick([0, 1, 3])
            let workerBackoff = pick(["0", "3", "2,4"])
            let at = now + pick([-1, 0, 1])
            cases.append(["payload": body, "attempts": attempts, "now": at, "workerTries": workerTries, "workerBackoff": workerBackoff])
            let policy = JobRetryPolicy(payload: try Payload(body), workerTries: workerTries, workerBackoff: workerBackoff, version: .v8)
            policies.append((policy, attempts, at))
        }
        let input = try JSONSerialization.data(withJSONObject: cases)
        let script = try TestEnvironment.temporaryDirectory("retry-oracle").appendingPathComponent("oracle.php")
        try Self.oracle.write(to: script, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.php(script.path, stdin: [UInt8](input))
        let answers = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: Any]])
        XCTAssertEqual(answers.count, cases.count)
        var mismatches = 0
        for (i, answer) in answers.enumerated() {
            let (policy, attempts, at) = policies[i]
            let mine = "already \(policy.alreadyExceeded(attempts: attempts, now: at)), will \(policy.willExceed(attempts: attempts, now: at)), backoff \(policy.backoffSeconds(attempts: attempts))"
            let php = "already \(answer["already"] as? Bool ?? false), will \(answer["will"] as? Bool ?? false), backoff \(answer["backoff"] as? Int ?? -999)"
            if mine != php {
                mismatches += 1
                if mismatches <= 5 { XCTFail("case \(cases[i]): Swift \(mine), PHP \(php)") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    static let oracle = #"""
        <?php
        require 'Illuminate/autoload.php';
        use Illuminate\Queue\Jobs\Job;
        use Illuminate\Support\Carbon;
        class OracleJob extends Job implements \Illuminate\Contracts\Queue\Job {
            public $failCalls = 0;
            public function __construct(public string $body, public int $tries) {}
            public function getJobId() { return 'x'; }
            public function getRawBody() { return $this->body; }
            public function attempts() { return $this->tries; }
            public function fail($e = null) { $this->failCalls++; }
        }
        $worker = new Illuminate\Queue\Worker(
            new Illuminate\Queue\QueueManager(new Illuminate\Container\Container),
            new Illuminate\Events\Dispatcher,
            new class implements Illuminate\Contracts\Debug\ExceptionHandler {
                public function report(Throwable $e) {}
                public function shouldReport(Throwable $e) { return true; }
                public function render($request, Throwable $e) {}
                public function renderForConsole($output, Throwable $e) {}
            },
            fn () => false);
        $call = fn (string $m, ...$a) => (new ReflectionMethod($worker, $m))->invoke($worker, ...$a);
        $out = [];
        foreach (json_decode(stream_get_contents(STDIN), true) as $c) {
            Carbon::setTestNow(Carbon::createFromTimestamp($c['now']));
            $options = new Illuminate\Queue\WorkerOptions();
            $options->backoff = $c['workerBackoff'];
            $job = new OracleJob($c['payload'], $c['attempts']);
            try { $call('markJobAsFailedIfAlreadyExceedsMaxAttempts', 'redis', $job, $c['workerTries']); } catch (Throwable $e) {}
            $already = $job->failCalls > 0;
            $job = new OracleJob($c['payload'], $c['attempts']);
            $call('markJobAsFailedIfWillExceedMaxAttempts', 'redis', $job, $c['workerTries'], new RuntimeException('x'));
            $out[] = ['already' => $already, 'will' => $job->failCalls > 0, 'backoff' => $call('calculateBackoff', $job, $options)];
        }
        echo json_encode($out);
        """#
}
