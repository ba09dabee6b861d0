#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// A job reserved from a Redis queue: Laravel's `RedisJob`.
///
/// It keeps both byte strings the pop script returned: `rawBody` (the list element as it was, what
/// `failed_jobs.payload` records) and `reserved` (the cjson re-encoding with attempts + 1, the only bytes
/// that can delete or release it — never rebuilt, spec §2.8).
///
/// A class, not a struct: a job passes through the worker, its context, the watchdog and the delete batch,
/// and each copy of a struct retained its six buffers where a reference retains one object.
public final class RedisJob: Sendable {
    public let connectionName: String
    /// The plain queue name (`default`), not the key.
    public let queue: String
    public let rawBody: [UInt8]
    public let reserved: [UInt8]
    public let payload: Payload
    /// When the reservation was made, for renewal.
    public let reservedAt: ContinuousClock.Instant

    public init(connectionName: String, queue: String, rawBody: [UInt8], reserved: [UInt8], payload: Payload,
                reservedAt: ContinuousClock.Instant = .now) {
        self.connectionName = connectionName
        self.queue = queue
        self.rawBody = rawBody
        self.reserved = reserved
        self.payload = payload
        self.reservedAt = reservedAt
    }

    /// Laravel's `attempts()`: the original's `attempts` + 1, i.e. the reserved copy's count.
    public var attempts: Int { (payload.attempts ?? 0) + 1 }

    public var uuid: String? { payload.uuid }

    /// `displayName`, else the job's handler string: what Laravel prints in its messages.
    public var name: String { payload.displayName ?? payload.job ?? "Unknown job" }

    /// The PHP class Shuttle dispatches on: `data.commandName` for object jobs, else the `Class@method` handler.
    public var className: String { payload.commandName ?? payload.job ?? "" }

    /// `className` as the payload's bytes, without building a String.
    package var classNameBytes: [UInt8] { payload.data?["commandName"]?.stringBytes ?? payload["job"]?.stringBytes ?? [] }
}

/// What a pop can hand back besides jobs: an element Laravel's pop script would have lost.
public struct QuarantinedElement: Sendable {
    public let queue: String
    public let bytes: [UInt8]
    public let reason: String

    /// Public so drivers outside the core (the testing product's in-memory queue) can quarantine too.
    public init(queue: String, bytes: [UInt8], reason: String = QuarantinedElement.notAJob) {
        self.queue = queue
        self.bytes = bytes
        self.reason = reason
    }

    /// Why the pop set an element aside; every driver says it the same way.
    public static let notAJob = "The queue element is not a JSON object with a numeric \"attempts\"; Laravel's pop script would have lost it."
}

/// The result of one pop round on a queue.
public struct PopResult: Sendable {
    public var jobs: [RedisJob] = []
    public var quarantined: [QuarantinedElement] = []
    public var undecodable: [UndecodableJob] = []
    /// Router mode: the elements forwarded to `routedTo` for PHP, original bytes, in their order.
    public var routed: [[UInt8]] = []
    public var routedTo: String?
    /// Selective reservation: elements of the window left where they are, for PHP.
    public var passedOver = 0
    public var isEmpty: Bool { jobs.isEmpty && quarantined.isEmpty && undecodable.isEmpty && routed.isEmpty }
    /// Elements taken off the list: reserved, quarantined or routed.
    public var consumed: Int { jobs.count + quarantined.count + undecodable.count + routed.count }

    /// Public so drivers outside the core can build their pop results.
    public init(jobs: [RedisJob] = [], quarantined: [QuarantinedElement] = [], undecodable: [UndecodableJob] = [],
                routed: [[UInt8]] = [], routedTo: String? = nil, passedOver: Int = 0) {
        self.jobs = jobs
        self.quarantined = quarantined
        self.undecodable = undecodable
        self.routed = routed
        self.routedTo = routedTo
        self.passedOver = passedOver
    }
}

/// Ready, delayed and reserved counts of one queue (Laravel 12.19+'s `pendingSize` & co.).
public struct QueueSizes: Sendable, Equatable {
    public var ready: Int
    public var delayed: Int
    public var reserved: Int
    public var total: Int { ready + delayed + reserved }

    public init(ready: Int, delayed: Int, reserved: Int) {
        self.ready = ready
        self.delayed = delayed
        self.reserved = reserved
    }
}

extension Payload {
    /// Stands in for a payload Shuttle could not decode, so such a job can still be failed by its bytes.
    static let placeholder: Payload = {
        guard let p = try? Payload(bytes: Array("{\"attempts\":0}".utf8)) else { preconditionFailure("constant payload") }
        return p
    }()
}
