import PHPSerialization
import PHPFormats

extension JobOptions {
    /// The options `Queue::createObjectPayload` reads from the job object: `$job->tries ?? null`, `backoff`
    /// imploded with `,`, … From outside the class only **public** properties are visible, so protected and
    /// private ones with these names do not count (as in PHP).
    public init(readingPublicPropertiesOf properties: [JobProperty]) throws {
        func value(_ name: String) -> PHPValue? {
            guard let p = properties.first(where: { $0.name == name && $0.visibility == .public }),
                  case .php(let v)? = p.value, v != .null else { return nil }
            return v
        }
        func int(_ name: String) throws -> Int? {
            guard let v = value(name) else { return nil }
            guard case .int(let i) = v else { throw DispatchError.invalidOption(name: name, reason: "must be an integer or null") }
            return i
        }
        func bool(_ name: String) throws -> Bool {
            guard let v = value(name) else { return false }
            guard case .bool(let b) = v else { throw DispatchError.invalidOption(name: name, reason: "must be a boolean") }
            return b
        }
        self.init(maxTries: try int("tries"), maxExceptions: try int("maxExceptions"), failOnTimeout: try bool("failOnTimeout"),
                  backoff: try value("backoff").map(Self.imploded), timeout: try int("timeout"), retryUntil: try int("retryUntil"),
                  deleteWhenMissingModels: try bool("deleteWhenMissingModels"))
    }

    /// `collect(Arr::wrap($backoff))->implode(',')` for the values a backoff holds: ints, numeric strings, lists of them.
    static func imploded(_ backoff: PHPValue) throws -> String {
        func text(_ v: PHPValue) throws -> String {
            switch v {
            case .int(let i): return String(i)
            case .string(let s): return String(decoding: s, as: UTF8.self)
            default: throw DispatchError.invalidOption(name: "backoff", reason: "must be seconds: an integer, or a list of integers")
            }
        }
        if case .array(let list) = backoff { return try list.values.map(text).joined(separator: ",") }
        return try text(backoff)
    }
}
