import Foundation

/// One entry of a Probe record list (scripts/laravel/README.md, "Probe record format"), as either runtime writes it.
struct ProbeEntry: CustomStringConvertible {
    var uuid: String
    var attempt: Int
    /// `php:<name>` or `shuttle:<name>`.
    var worker: String
    /// `started`, `ok` or `exception`.
    var outcome: String
    /// Unix time the run began.
    var started: Double
    /// Unix time the run ended; nil on `started` entries.
    var ended: Double?

    init?(json: [String: Any]) {
        guard let uuid = json["uuid"] as? String, let attempt = json["attempt"] as? Int,
              let worker = json["worker"] as? String, let outcome = json["outcome"] as? String,
              let started = (json["started"] as? NSNumber)?.doubleValue
        else { return nil }
        self.started = started
        ended = (json["ended"] as? NSNumber)?.doubleValue
        self.uuid = uuid
        self.attempt = attempt
        self.worker = worker
        self.outcome = outcome
    }

    var isEnd: Bool { outcome != "started" }
    var byShuttle: Bool { worker.hasPrefix("shuttle:") }
    var byPHP: Bool { worker.hasPrefix("php:") }

    var description: String { "\(outcome)#\(attempt)@\(worker)" }
}
