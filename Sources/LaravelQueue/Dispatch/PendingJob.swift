import PHPSerialization
import PHPFormats

/// A job to push for PHP workers to run, described as data: what `dispatch(new Class(...))->onQueue(Q)->delay(S)`
/// would queue from a Laravel application of `version`.
public struct PendingJob: Hashable, Sendable {
    /// How the job class serializes (it is PHP's class, so the caller says which it uses).
    public enum Shape: Hashable, Sendable {
        /// `serializesModels` when any property holds a model (a class holding models must use the trait, or PHP
        /// would serialize the whole model), else `native`: without models, plain `serialize()` writes every
        /// property, which any class shape (with or without the trait) unserializes.
        case automatic
        /// Plain `serialize()`: the class does not use `SerializesModels`.
        case native
        /// `SerializesModels::__serialize`; from v9.4 the framework traits' default-valued properties are omitted.
        case serializesModels
    }

    /// `get_class($job)`, without a leading `\`.
    public var className: String
    /// The class's own properties, in declaration order; `PropertyJSON` builds them from JSON.
    public var properties: [JobProperty]
    /// `onQueue()`: written into the command (`queue`) and the queue pushed to. nil: the connection's default
    /// queue, and `queue` stays `N;` as when application code never calls `onQueue`.
    public var queue: String?
    /// `onConnection()`: written into the command only (the Redis queue is the one dispatched on).
    public var connection: String?
    /// `delay()` in seconds: the job goes to `:delayed`, its `delay` property is set and, from v12.11, the
    /// payload's `delay` too. nil: pushed for immediate processing.
    public var delay: Int?
    /// Payload options that replace what the job's public properties say.
    public var overrides: PayloadOptionOverrides
    public var version: LaravelVersion
    public var shape: Shape
    /// `ShouldBeEncrypted`: `data.command` is encrypted with the application key.
    public var encrypted: Bool
    /// How many identical jobs to push (each with its own uuid and id), in one MULTI/EXEC when not delayed.
    public var count: Int
    /// `displayName()` when the class defines one; default the class name.
    public var displayName: String?
    /// Horizon: what the class's `tags()` returns; nil or empty: Horizon's automatic model tags.
    public var tags: [String]?
    /// Horizon: the class is listed in `horizon.silenced` or implements `Silenced`.
    public var silenced: Bool

    public init(className: String, properties: [JobProperty] = [], queue: String? = nil, connection: String? = nil,
                delay: Int? = nil, overrides: PayloadOptionOverrides = PayloadOptionOverrides(),
                version: LaravelVersion = .app, shape: Shape = .automatic, encrypted: Bool = false, count: Int = 1,
                displayName: String? = nil, tags: [String]? = nil, silenced: Bool = false) {
        self.className = PropertyJSON.trimmedClassName(className)
        self.properties = properties
        self.queue = queue
        self.connection = connection
        self.delay = delay
        self.overrides = overrides
        self.version = version
        self.shape = shape
        self.encrypted = encrypted
        self.count = count
        self.displayName = displayName
        self.tags = tags
        self.silenced = silenced
    }

    /// The same, with the properties given as JSON (`shuttle dispatch CLASS --properties JSON`, see `PropertyJSON`).
    public init(className: String, propertiesJSON: String, queue: String? = nil, connection: String? = nil,
                delay: Int? = nil, overrides: PayloadOptionOverrides = PayloadOptionOverrides(),
                version: LaravelVersion = .app, shape: Shape = .automatic, encrypted: Bool = false, count: Int = 1,
                displayName: String? = nil, tags: [String]? = nil, silenced: Bool = false) throws {
        let name = PropertyJSON.trimmedClassName(className)
        self.init(className: name, properties: try PropertyJSON.properties(propertiesJSON, className: name), queue: queue,
                  connection: connection, delay: delay, overrides: overrides, version: version, shape: shape,
                  encrypted: encrypted, count: count, displayName: displayName, tags: tags, silenced: silenced)
    }

    public var hasModels: Bool {
        properties.contains { if case .model? = $0.value { true } else { false } }
    }

    public var commandShape: CommandSerializer.Shape {
        switch shape {
        case .native: return .native
        case .serializesModels: return .serializesModels
        case .automatic: return hasModels ? .serializesModels : .native
        }
    }

    /// The class as `CommandSerializer` needs it: own properties, then `make:job`'s traits.
    public var jobClass: JobClass {
        let traits: [JobTrait] = commandShape == .serializesModels ? JobTrait.standardJob : [.dispatchable, .interactsWithQueue, .queueable]
        return JobClass(className, properties: properties, traits: traits)
    }

    /// The `Queueable` values `onConnection`/`onQueue`/`delay` set.
    public var queueableState: QueueableState {
        QueueableState(queue: queue, connection: connection, delay: delay)
    }

    /// The payload's queue options: the public properties as `createObjectPayload` reads them, then the overrides.
    public func payloadOptions() throws -> JobOptions {
        overrides.applied(to: try JobOptions(readingPublicPropertiesOf: properties))
    }

    /// The checks PHP would fail on at dispatch time (or that would make a job PHP cannot run).
    public func validate() throws {
        guard !className.isEmpty, !className.utf8.contains(0) else { throw DispatchError.invalidJob("the class name is empty") }
        guard count >= 1 else { throw DispatchError.invalidJob("count must be at least 1") }
        if let delay, delay < 0 { throw DispatchError.invalidJob("delay must not be negative") }
        if commandShape == .native, let model = properties.first(where: { if case .model? = $0.value { true } else { false } }) {
            throw DispatchError.modelWithoutSerializesModels(property: model.name)
        }
    }
}
