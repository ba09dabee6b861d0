import PHPSerialization
import LaravelQueue
import PHPFormats

/// The next job of a chain, prepared as `Queueable::dispatchNextJobInChain` prepares it (spec §5.7, §7.4):
/// `chained[0]` unserialized, given the rest of the chain, its null connection/queue filled from the chain's,
/// and the chain's connection, queue and catch callbacks copied onto it.
public enum ChainedJob {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// `chained[0]` is not a serialized object.
        case notASerializedJob(index: Int)

        public var description: String {
            switch self {
            case .notASerializedJob(let i): return "chained[\(i)] is not a serialized job object"
            }
        }
    }

    /// The next job, or nil when the chain ends here.
    public static func next(after command: PHPObject, version: LaravelVersion) throws -> PHPObject? {
        let current = QueueableObject(command, version: version)
        guard case .array(let chain) = current[.chained], let first = chain.entries.first else { return nil }
        guard case .string(let bytes) = first.value,
              case .object(let object) = try PHPUnserializer.unserialize(bytes)
        else { throw Error.notASerializedJob(index: 0) }

        var next = QueueableObject(object, version: version)
        // array_shift re-indexes what remains: a list again.
        next.set(.chained, .array(PHPArray(list: chain.entries.dropFirst().map(\.value))))
        let connection = next[.connection]
        next.set(.connection, connection.isTruthy ? connection : current[.chainConnection])
        let queue = next[.queue]
        next.set(.queue, queue.isTruthy ? queue : current[.chainQueue])
        next.set(.chainConnection, current[.chainConnection])
        next.set(.chainQueue, current[.chainQueue])
        next.set(.chainCatchCallbacks, current[.chainCatchCallbacks])
        return next.object
    }
}
