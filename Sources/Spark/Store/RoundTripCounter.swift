import Synchronization

/// Counts the statements the store sends (each one a round trip to the server), for the benchmark's
/// "round trips per transaction" and for tests that keep the batching honest.
public final class RoundTripCounter: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    public func add(_ n: Int = 1) { count.add(n, ordering: .relaxed) }

    public var value: Int { count.load(ordering: .relaxed) }
}
