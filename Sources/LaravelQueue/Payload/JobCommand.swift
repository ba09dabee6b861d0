import PHPSerialization
import PHPFormats

/// A decoded (unencrypted) `data.command`: the job object's class and properties, as data.
///
/// Properties are matched by name, never by position: SerializesModels jobs omit defaults (v9.4+) and the
/// `Queueable` order changed in v11.2 (spec §5.4).
public struct JobCommand: Hashable, Sendable {
    /// The exact serialized bytes.
    public let serialized: [UInt8]
    public let object: PHPObject

    public init(serialized: [UInt8]) throws {
        guard JobCommand.isSerializedObject(serialized) else { throw CommandDecoder.Error.notASerializedObject }
        let value = try PHPUnserializer.unserialize(serialized)
        guard case .object(let object) = value else { throw CommandDecoder.Error.notASerializedObject }
        self.serialized = serialized
        self.object = object
    }

    public var className: String { object.className }
    public var properties: [PHPProperty] { object.properties }

    /// The value of the first property with this name, whatever its visibility.
    public subscript(name: String) -> PHPValue? { object[name] }

    /// A property holding a `ModelIdentifier` (a model that a worker must re-load), by name.
    public func model(_ name: String) -> ModelIdentifier? {
        guard case .object(let o)? = object[name] else { return nil }
        return ModelIdentifier(o)
    }

    /// Every top-level property holding a `ModelIdentifier`, in serialization order.
    public var models: [(property: String, model: ModelIdentifier)] {
        object.properties.compactMap { p in
            guard case .object(let o) = p.value, let m = ModelIdentifier(o) else { return nil }
            return (p.name, m)
        }
    }

    // Queueable state, when present (absent means the trait's default).
    public var queue: String? { object["queue"]?.stringValue }
    public var connection: String? { object["connection"]?.stringValue }
    public var delay: PHPValue? { object["delay"] }
    public var chainConnection: String? { object["chainConnection"]?.stringValue }
    public var chainQueue: String? { object["chainQueue"]?.stringValue }
    /// The rest of the chain: each element the `serialize()` of the next job.
    public var chained: [[UInt8]] {
        object["chained"]?.arrayValue?.values.compactMap { if case .string(let b) = $0 { return b } else { return nil } } ?? []
    }

    /// PHP's own test (`CallQueuedHandler::getCommand`): a plain command starts with `O:`, anything else is encrypted.
    public static func isSerializedObject(_ command: [UInt8]) -> Bool {
        command.count >= 2 && command[0] == UInt8(ascii: "O") && command[1] == UInt8(ascii: ":")
    }
}
