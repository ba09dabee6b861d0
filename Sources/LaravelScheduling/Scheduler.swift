import Logging
import PHPFormats

/// `php artisan schedule:work` for every-minute events: at each minute boundary, each event is run unless
/// a run of it is still going (`withoutOverlapping`) or another host already ran it this minute (`onOneServer`),
/// decided by `ScheduleMutex` in the app's cache in PHP's order: the overlap filter, the minute's claim, then
/// the overlap mutex itself.
public struct Scheduler: Sendable {
    /// What one event did at one minute.
    public enum Outcome: Sendable, Equatable {
        case ran
        case skippedOtherServer
        case skippedOverlapping
        case failed(String)
    }

    public let events: [ScheduledEvent]
    let mutex: ScheduleMutex
    let clock: any ScheduleClock
    /// `app.timezone`, in which the one-server key's `Hi` is written.
    let timeZone: ZoneInfo
    let logger: Logger

    public init(events: [ScheduledEvent], mutex: ScheduleMutex, clock: any ScheduleClock = SystemScheduleClock(),
                timeZone: ZoneInfo = .utc, logger: Logger) {
        self.events = events
        self.mutex = mutex
        self.clock = clock
        self.timeZone = timeZone
        self.logger = logger
    }

    /// Runs until the task is cancelled: at every minute boundary (as `schedule:work` starts `schedule:run` at
    /// second 0), and first for the current minute when `runCurrentMinute` (as a cron-started `schedule:run`
    /// in the middle of a minute would).
    public func run(runCurrentMinute: Bool = false) async {
        var next = Self.minuteStart(clock.now())
        if !runCurrentMinute { next += 60 }
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: Double(next))
            } catch {
                return
            }
            _ = await runDue(minute: next)
            next = max(next + 60, Self.minuteStart(clock.now()) + 60)
        }
    }

    /// Runs every event for the minute starting at `minute` (Unix seconds, a multiple of 60).
    public func runDue(minute: Int64) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for event in events {
            outcomes.append(await run(event, minute: minute))
        }
        return outcomes
    }

    private func run(_ event: ScheduledEvent, minute: Int64) async -> Outcome {
        let meta: Logger.Metadata = ["event": "\(event.description)"]
        do {
            if event.withoutOverlapping != nil, try await mutex.overlapExists(event) {
                logger.info("Skipping command (still running)", metadata: meta)
                return .skippedOverlapping
            }
            if event.onOneServer {
                let local = minute + Int64(timeZone.offset(at: minute))
                let minuteOfDay = Int(((local % 86_400) + 86_400) % 86_400) / 60
                guard try await mutex.claimMinute(event, hour: minuteOfDay / 60, minute: minuteOfDay % 60) else {
                    logger.info("Skipping command (has already run on another server)", metadata: meta)
                    return .skippedOtherServer
                }
            }
            if let expiresAt = event.withoutOverlapping {
                guard try await mutex.createOverlap(event, expiresAt: expiresAt) else {
                    logger.info("Skipping command (still running)", metadata: meta)
                    return .skippedOverlapping
                }
            }
            let result: Outcome
            logger.info("Running scheduled command", metadata: meta)
            do {
                try await event.action()
                result = .ran
            } catch {
                logger.error("scheduled command failed", metadata: meta.merging(["error": "\(error)"]) { $1 })
                result = .failed("\(error)")
            }
            if event.withoutOverlapping != nil { try await mutex.forgetOverlap(event) }
            return result
        } catch {
            logger.error("schedule mutex failed: the event is not run this minute", metadata: meta.merging(["error": "\(error)"]) { $1 })
            return .failed("\(error)")
        }
    }

    static func minuteStart(_ now: Double) -> Int64 {
        let seconds = Int64(now.rounded(.down))
        return seconds - ((seconds % 60) + 60) % 60
    }
}
