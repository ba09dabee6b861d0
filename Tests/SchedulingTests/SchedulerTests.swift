import Foundation
import LaravelQueue
import LaravelScheduling
import Redis
import SparkSchedule
import TestSupport
import XCTest

/// Two hosts racing through the same minutes push `CheckIntegrationUpdates` once per minute between them, on
/// each cache store and both mutex generations (Laravel 8's `Cache::add`, Laravel 12's locks).
final class SchedulerTests: XCTestCase {
    static let firstMinute: Int64 = 1_756_848_600 // 2025-09-02 21:30:00 UTC

    func testTwoHostsPushOncePerMinuteOnRedisLaravel12() async throws { try await race(.redis, laravel: "12") }
    func testTwoHostsPushOncePerMinuteOnRedisLaravel8() async throws { try await race(.redis, laravel: "8") }
    func testTwoHostsPushOncePerMinuteOnPostgreSQLLaravel12() async throws { try await race(.postgres, laravel: "12") }
    func testTwoHostsPushOncePerMinuteOnSQLiteLaravel8() async throws { try await race(.sqlite, laravel: "8") }
    func testTwoHostsPushOncePerMinuteOnTheFileStoreLaravel12() async throws { try await race(.file, laravel: "12") }
    func testTwoHostsPushOncePerMinuteOnTheFileStoreLaravel8() async throws { try await race(.file, laravel: "8") }

    private func race(_ store: ScheduleEnvironment.Store, laravel: String) async throws {
        let environment = try await ScheduleEnvironment.make(store, laravel: laravel)
        let a = try await ScheduleHost.connect(environment)
        let b = try await ScheduleHost.connect(environment)
        let minutes = 6
        for i in 0..<minutes {
            let minute = Self.firstMinute + Int64(i * 60)
            async let first = a.scheduler.runDue(minute: minute)
            async let second = b.scheduler.runDue(minute: minute)
            let outcomes = (await first) + (await second)
            XCTAssertEqual(outcomes.filter { $0 == .ran }.count, 1, "minute \(i): \(outcomes)")
            // The other host either finds the minute claimed or, arriving while the run pushes, the run going.
            XCTAssertEqual(outcomes.filter { $0 == .skippedOtherServer || $0 == .skippedOverlapping }.count, 1, "minute \(i): \(outcomes)")
        }
        // A host arriving late in a minute already run skips it too.
        let value1 = await a.scheduler.runDue(minute: Self.firstMinute)
        XCTAssertEqual(value1, [.skippedOtherServer])
        let pushed = try await a.pushed()
        XCTAssertEqual(pushed.count, minutes)
        XCTAssertEqual(Set(pushed.compactMap(\.commandName)), [CheckIntegrationUpdates.phpClass])
        XCTAssertEqual(pushed.first?.maxTries, 1)
        XCTAssertEqual(pushed.first?.timeout, 60)
        await a.close()
        await b.close()
    }

    func testARunStillGoingMakesTheNextMinuteSkipOnRedis() async throws { try await overlap(.redis, laravel: "12") }
    func testARunStillGoingMakesTheNextMinuteSkipOnSQLiteLaravel8() async throws { try await overlap(.sqlite, laravel: "8") }

    /// Host A's run of minute 0 is held open; host B's minute 1 finds the overlap mutex and skips; once A's run
    /// ends (and releases it) minute 2 runs.
    private func overlap(_ store: ScheduleEnvironment.Store, laravel: String) async throws {
        let environment = try await ScheduleEnvironment.make(store, laravel: laravel)
        let entered = Gate(), release = Gate()
        let a = try await ScheduleHost.connect(environment) {
            await entered.open()
            await release.wait()
        }
        let b = try await ScheduleHost.connect(environment)
        let scheduler = a.scheduler, first = Self.firstMinute
        let held = Task { await scheduler.runDue(minute: first) }
        await entered.wait()
        let value2 = await b.scheduler.runDue(minute: Self.firstMinute + 60)
        XCTAssertEqual(value2, [.skippedOverlapping])
        await release.open()
        let value3 = await held.value
        XCTAssertEqual(value3, [.ran])
        let value4 = await b.scheduler.runDue(minute: Self.firstMinute + 120)
        XCTAssertEqual(value4, [.ran])
        let value5 = try await b.pushed().count
        XCTAssertEqual(value5, 2)
        await a.close()
        await b.close()
    }

    /// The loop runs each minute boundary once, in order, from the next boundary (or this minute with
    /// `runCurrentMinute`), on a clock the test steps: no real waiting.
    func testRunLoopRunsEveryMinuteBoundaryOnce() async throws {
        let environment = try await ScheduleEnvironment.make(.redis, laravel: "12")
        let clock = SteppingClock(Double(Self.firstMinute) + 42.5, sleeps: 3)
        let host = try await ScheduleHost.connect(environment, clock: clock)
        await host.scheduler.run(runCurrentMinute: false)
        XCTAssertEqual(clock.sleeps, [60, 120, 180].map { Double(Self.firstMinute + $0) })
        let pushed = try await host.pushed()
        XCTAssertEqual(pushed.count, 3)
        await host.close()

        let again = try await ScheduleHost.connect(try await ScheduleEnvironment.make(.redis, laravel: "12"),
                                                   clock: SteppingClock(Double(Self.firstMinute) + 42.5, sleeps: 1))
        await again.scheduler.run(runCurrentMinute: true)
        let pushedNow = try await again.pushed()
        XCTAssertEqual(pushedNow.count, 1, "the current minute, at once")
        let claimed = try await again.application.redis.send(RedisCommand("EXISTS", [
            .key(again.application.configuration.cache.redisStorePrefix + "framework/schedule-cd1082880051f54744a506524e40b21edc80ac1e2130"),
        ])).int
        XCTAssertEqual(claimed, 1, "this minute (21:30) was claimed: a Laravel 12 lock on the lock connection (the queue's)")
        await again.close()
    }
}
