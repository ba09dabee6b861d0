import PHPFormats
/// A Laravel queue job payload (Laravel 8–13, with or without Horizon, as pushed by PHP or as re-encoded
/// by the Redis pop script's cjson).
///
/// Reading is tolerant (any key order, `{}` for lists, cjson number precision, numeric strings); the
/// ordered `JSONObject` keeps every field, known or not. `rawBytes` are the exact bytes this payload was
/// read from: a reserved job must be deleted or released with those bytes, never a re-encoding.
public struct Payload: Hashable, Sendable {
    public enum Error: Swift.Error, Equatable {
        case notAnObject
    }

    public let rawBytes: [UInt8]
    public let json: JSONObject

    public init(bytes: [UInt8]) throws {
        guard case .object(let object) = try JSONParser.parse(bytes) else { throw Error.notAnObject }
        rawBytes = bytes
        json = object
    }

    public init(_ text: String) throws { try self.init(bytes: Array(text.utf8)) }

    /// Encodes `object` for writing. Goes through `PayloadValidator`: a payload the pop script would
    /// corrupt (no numeric `attempts`) is refused.
    public init(encoding object: JSONObject, options: JSONWriter.Options = .laravelPayload) throws {
        try PayloadValidator.validate(object)
        rawBytes = try JSONWriter.encode(object, options: options)
        json = object
    }

    public var rawText: String { String(decoding: rawBytes, as: UTF8.self) }

    public subscript(key: String) -> JSONValue? { json[key] }

    // MARK: Framework fields (spec §4.2)

    public var uuid: String? { json["uuid"]?.stringValue }
    public var displayName: String? { json["displayName"]?.stringValue }
    public var job: String? { json["job"]?.stringValue }
    public var maxTries: Int? { json["maxTries"]?.laravelInt }
    public var maxExceptions: Int? { json["maxExceptions"]?.laravelInt }
    /// Absent before v8.43: false, as `Job::shouldFailOnTimeout()` reads it.
    public var failOnTimeout: Bool { json["failOnTimeout"].map(\.isTruthy) ?? false }
    /// The raw `backoff` field: a comma-joined string (`"10,60"`) as Laravel writes it, but tolerate an int.
    public var backoff: String? {
        switch json["backoff"] {
        case .string(let b)?: return String(decoding: b, as: UTF8.self)
        case .number(let n)?: return n.integerValue.map(String.init) ?? n.text
        default: return nil
        }
    }
    /// `backoff` split on `,` and cast with PHP's `(int)`, as `Worker::calculateBackoff` does.
    public var backoffSeconds: [Int]? {
        backoff.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { JSONValue.phpIntCast(String($0)) } }
    }
    public var timeout: Int? { json["timeout"]?.laravelInt }
    public var retryUntil: Int? { json["retryUntil"]?.laravelInt }
    /// Legacy (pre-v8) name of `retryUntil`, still read by v8 workers.
    public var timeoutAt: Int? { json["timeoutAt"]?.laravelInt }
    /// v13+; nil when absent (older workers read the class default instead).
    public var deleteWhenMissingModels: Bool? { json["deleteWhenMissingModels"].map(\.isTruthy) }
    public var data: JSONValue? { json["data"] }
    public var commandName: String? { data?["commandName"]?.stringValue }
    /// `data.command` as text (serialized PHP, or base64 of the encrypter's envelope).
    public var command: String? { data?["command"]?.stringValue }
    public var commandBytes: [UInt8]? { data?["command"]?.stringBytes }
    /// True when `data.command` exists and is not a plain serialized object (PHP's `O:` test).
    public var isCommandEncrypted: Bool { commandBytes.map { !JobCommand.isSerializedObject($0) } ?? false }
    public var batchId: String? { data?["batchId"]?.stringValue }
    public var createdAt: Int? { json["createdAt"]?.laravelInt }
    public var id: String? { json["id"]?.stringValue }
    public var attempts: Int? { json["attempts"]?.laravelInt }
    /// v12.11+: the `later()` delay in seconds; nil for immediate pushes and older versions.
    public var delay: Int? { json["delay"]?.laravelInt }

    // MARK: Horizon (spec §8.2, §8.6)

    public var horizonType: String? { json["type"]?.stringValue }
    /// Tags; cjson turns `[]` into `{}`, read as empty.
    public var tags: [String]? { json["tags"]?.arrayValue?.compactMap(\.stringValue) }
    public var silenced: Bool? { json["silenced"].map(\.isTruthy) }
    /// Horizon writes a string (`"1795981914.9726"`); accept a number too.
    public var pushedAt: String? {
        switch json["pushedAt"] {
        case .string(let b)?: return String(decoding: b, as: UTF8.self)
        case .number(let n)?: return n.text
        default: return nil
        }
    }
    public var retryOf: String? { json["retry_of"]?.stringValue }
    /// Horizon's job id: `uuid`, falling back to `id`.
    public var horizonId: String? { uuid ?? id }
}
