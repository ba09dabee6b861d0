import PHPFormats
/// An object job ready to be put in a payload: its class name, options and already-built command.
public struct QueuedJob: Hashable, Sendable {
    public enum Command: Hashable, Sendable {
        /// `serialize($job)` bytes.
        case serialized([UInt8])
        /// The encrypter's output (base64 text), for `ShouldBeEncrypted` jobs.
        case encrypted(String)
    }

    /// `get_class($job)`.
    public var commandName: String
    /// `displayName()` when the class has one; defaults to the class name.
    public var displayName: String
    public var options: JobOptions
    public var command: Command
    /// `$job->batchId` (payload field from v12.51).
    public var batchId: String?

    public init(commandName: String, displayName: String? = nil, options: JobOptions = JobOptions(),
                command: Command, batchId: String? = nil) {
        self.commandName = commandName
        self.displayName = displayName ?? commandName
        self.options = options
        self.command = command
        self.batchId = batchId
    }
}
