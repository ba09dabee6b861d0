import PHPSerialization
import LaravelQueue
import PHPFormats

extension JobOptions {
    /// What `Queue::createObjectPayload` reads from a job's public properties (spec §4.2). Methods
    /// (`tries()`, `backoff()`, `retryUntil()`, attributes) cannot run outside PHP; nor can a value be
    /// seen that `SerializesModels` (v9.4+) left out for being the class default — a `QueueableJobHandler`
    /// registered for the class can supply those.
    /// - Parameter now: Unix seconds, for `DateTime` elements of `backoff` (seconds from now).
    public init(properties command: PHPObject, now: Int) {
        func property(_ name: String) -> PHPValue? {
            guard let value = command.properties.first(where: { $0.name == name && $0.visibility == .public })?.value,
                  value != .null else { return nil }
            return value
        }
        func seconds(_ value: PHPValue) -> Int? {
            if case .object(let o) = value { return PHPDateTime.timestamp(o) }
            return PHPStringCast.int(value)
        }
        var backoff: String?
        if let value = property("backoff") {
            let elements = value.arrayValue?.values ?? [value]
            backoff = elements.map { element -> String in
                if case .object(let o) = element, let at = PHPDateTime.timestamp(o) { return String(max(0, at - now)) }
                return PHPStringCast.string(element)
            }.joined(separator: ",")
        }
        self.init(
            maxTries: property("tries").flatMap(PHPStringCast.int),
            maxExceptions: property("maxExceptions").flatMap(PHPStringCast.int),
            failOnTimeout: property("failOnTimeout")?.isTruthy == true,
            backoff: backoff,
            timeout: property("timeout").flatMap(PHPStringCast.int),
            retryUntil: property("retryUntil").flatMap(seconds),
            deleteWhenMissingModels: property("deleteWhenMissingModels")?.isTruthy == true)
    }
}
