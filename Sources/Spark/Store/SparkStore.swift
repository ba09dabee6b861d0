import Database
import Logging

/// Spark's data, on PostgreSQL (the app's own schema) or SQLite: each job's writes go through one
/// `SparkWriter` inside one transaction, so a job writes all its rows or none.
public struct SparkStore: Sendable {
    public let database: any SparkDatabase
    public let clock: SparkClock
    public let roundTrips: RoundTripCounter

    public init(database: any SparkDatabase, clock: SparkClock = .system, roundTrips: RoundTripCounter = RoundTripCounter()) {
        self.database = database
        self.clock = clock
        self.roundTrips = roundTrips
    }

    /// The same store with another clock (tests replaying a scenario day by day).
    public func with(clock: SparkClock) -> SparkStore {
        SparkStore(database: database, clock: clock, roundTrips: roundTrips)
    }

    /// Runs `body` in one transaction; BEGIN and COMMIT count as round trips too. `roundTrips` (if given)
    /// receives this transaction's own count, the store's counter the running total.
    public func write<T: Sendable>(roundTrips own: RoundTripCounter = RoundTripCounter(),
                                   _ body: @Sendable (SparkWriter) async throws -> T) async throws -> T {
        let clock = self.clock, total = roundTrips
        own.add(2)
        defer { total.add(own.value) }
        return try await database.transaction { connection in
            let writer = SparkWriter(connection: connection, clock: clock, roundTrips: own)
            let result = try await body(writer)
            try await writer.finish()
            return result
        }
    }
}
