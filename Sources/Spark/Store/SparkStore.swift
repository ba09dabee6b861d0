import Database
import Logging

/// Spark's data, on PostgreSQL (the app's own schema) or SQLite: each job's writes go through one
/// `SparkWriter` inside one transaction, so a job writes all its rows or none.
public struct SparkStore: Sendable {
    public let database: any SparkDatabase
    public let clock: SparkClock
    public let roundTrips: RoundTripCounter
    /// SQLite only: this process's writers take turns here rather than in SQLite's busy loop.
    /// SQLite admits one writer: transactions of this process queue in line instead of polling through
    /// `begin immediate`'s busy timeout.
    private let gate: ConnectionLock?

    public init(database: any SparkDatabase, clock: SparkClock = .system, roundTrips: RoundTripCounter = RoundTripCounter()) {
        self.init(database: database, clock: clock, roundTrips: roundTrips,
                  gate: database.dialect == .sqlite ? ConnectionLock() : nil)
    }

    private init(database: any SparkDatabase, clock: SparkClock, roundTrips: RoundTripCounter, gate: ConnectionLock?) {
        self.database = database
        self.clock = clock
        self.roundTrips = roundTrips
        self.gate = gate
    }

    /// The same store with another clock (tests replaying a scenario day by day).
    public func with(clock: SparkClock) -> SparkStore {
        SparkStore(database: database, clock: clock, roundTrips: roundTrips, gate: gate)
    }

    /// Runs `body` in one transaction; BEGIN and COMMIT count as round trips too. `roundTrips` (if given)
    /// receives this transaction's own count, the store's counter the running total.
    public func write<T: Sendable>(roundTrips own: RoundTripCounter = RoundTripCounter(),
                                   _ body: @Sendable (SparkWriter) async throws -> T) async throws -> T {
        let clock = self.clock, total = roundTrips, database = self.database
        own.add(2)
        defer { total.add(own.value) }
        func transaction() async throws -> T {
            try await database.transaction { connection in
                let writer = SparkWriter(connection: connection, clock: clock, roundTrips: own)
                let result = try await body(writer)
                try await writer.finish()
                return result
            }
        }
        guard let gate else { return try await transaction() }
        return try await gate.withLock { try await transaction() }
    }
}
