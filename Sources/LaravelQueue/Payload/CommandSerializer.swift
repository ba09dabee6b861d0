import PHPSerialization
import PHPFormats

/// Builds `data.command` for a job class the way a given Laravel version's PHP would serialize it.
public struct CommandSerializer: Sendable {
    /// How PHP serializes the job (the caller knows whether the class uses `SerializesModels`).
    public enum Shape: Hashable, Sendable {
        /// Plain `serialize()`: every initialized property, ancestors' slots first, then own, then traits.
        case native
        /// `SerializesModels::__serialize`: reflection order (own, inherited non-private, traits), models as
        /// `ModelIdentifier`s, and from v9.4 properties equal to their default omitted.
        case serializesModels
    }

    public enum Error: Swift.Error, Equatable {
        /// A model outside `SerializesModels` would be serialized whole; that is not something we can reproduce.
        case modelWithoutSerializesModels(property: String)
    }

    public var version: LaravelVersion

    public init(version: LaravelVersion = .app) { self.version = version }

    public func serialize(_ job: JobClass, state: QueueableState = QueueableState(), shape: Shape) throws -> [UInt8] {
        PHPSerializer.serialize(.object(try object(job, state: state, shape: shape)))
    }

    public func object(_ job: JobClass, state: QueueableState = QueueableState(), shape: Shape) throws -> PHPObject {
        let slots: [Slot]
        switch shape {
        case .native: slots = nativeSlots(job, state: state)
        case .serializesModels:
            slots = reflectionSlots(job.declaration, ancestors: job.ancestors[...], state: state)
        }
        var properties: [PHPProperty] = []
        for slot in slots {
            guard let value = slot.property.value else { continue }  // uninitialized typed property
            if shape == .serializesModels && version.serializesModelsOmitsDefaults && slot.property.equalsDefault { continue }
            let php: PHPValue
            switch value {
            case .php(let v): php = v
            case .model(let m):
                guard shape == .serializesModels else { throw Error.modelWithoutSerializesModels(property: slot.property.name) }
                php = m.phpValue(for: version)
            }
            let visibility: PHPVisibility
            switch slot.property.visibility {
            case .public: visibility = .public
            case .protected: visibility = .protected
            // __serialize mangles with the runtime class; native serialize with the declaring class.
            case .private: visibility = .private(declaringClass: shape == .native ? slot.declaringClass : job.name)
            }
            properties.append(PHPProperty(name: slot.property.name, visibility: visibility, value: php))
        }
        return PHPObject(className: job.name, properties: properties)
    }

    private struct Slot {
        var property: JobProperty
        var declaringClass: String
    }

    private func traitProperties(_ traits: [JobTrait], state: QueueableState) -> [JobProperty] {
        traits.flatMap { trait -> [JobProperty] in
            switch trait {
            case .dispatchable, .serializesModels: return []
            case .interactsWithQueue: return [JobProperty("job", .public, .null)]
            case .queueable:
                return version.queueableProperties.map { JobProperty($0.rawValue, .public, state[$0], default: $0.defaultValue) }
            case .batchable:
                var list = [JobProperty("batchId", .public, state.batchId.map { .string($0) } ?? .null)]
                if version.batchableHasFakeBatch { list.append(JobProperty("fakeBatch", .private, .null)) }
                return list
            case .custom(_, let properties): return properties
            }
        }
    }

    /// Slots of one class alone: own declarations, then its traits' (a trait's private is declared by the user).
    private func declaredSlots(_ d: JobClass.Declaration, state: QueueableState) -> [Slot] {
        (d.properties + traitProperties(d.traits, state: state)).map { Slot(property: $0, declaringClass: d.name) }
    }

    /// Object slot order: the root ancestor's slots first; a redeclared property keeps its first slot.
    private func nativeSlots(_ job: JobClass, state: QueueableState) -> [Slot] {
        var slots: [Slot] = []
        for d in job.ancestors.reversed() + [job.declaration] {
            for slot in declaredSlots(d, state: state) {
                if slot.property.visibility != .private,
                   let i = slots.firstIndex(where: { $0.property.visibility != .private && $0.property.name == slot.property.name }) {
                    slots[i] = slot
                } else {
                    slots.append(slot)
                }
            }
        }
        return slots
    }

    /// `ReflectionClass::getProperties()` order: own, then the parent's list minus its privates, then traits.
    private func reflectionSlots(_ d: JobClass.Declaration, ancestors: ArraySlice<JobClass.Declaration>, state: QueueableState) -> [Slot] {
        var slots = d.properties.map { Slot(property: $0, declaringClass: d.name) }
        if let parent = ancestors.first {
            for slot in reflectionSlots(parent, ancestors: ancestors.dropFirst(), state: state)
            where slot.property.visibility != .private && !slots.contains(where: { $0.property.name == slot.property.name }) {
                slots.append(slot)
            }
        }
        for p in traitProperties(d.traits, state: state) where !slots.contains(where: { $0.property.name == p.name }) {
            slots.append(Slot(property: p, declaringClass: d.name))
        }
        return slots
    }
}
