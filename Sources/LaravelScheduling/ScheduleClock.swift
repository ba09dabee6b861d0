#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The scheduler's time: the system clock, or one a test moves by hand (no sleeps in tests).
public protocol ScheduleClock: Sendable {
    /// Unix seconds.
    func now() -> Double
    /// Returns once `now()` has reached `instant` (or throws when the task is cancelled).
    func sleep(until instant: Double) async throws
}

public struct SystemScheduleClock: ScheduleClock {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(until instant: Double) async throws {
        while true {
            let remaining = instant - now()
            if remaining <= 0 { return }
            try await Task.sleep(for: .milliseconds(Int(min(remaining, 60) * 1000) + 1))
        }
    }
}
