import PHPSerialization
import LaravelQueue
import PHPFormats

/// `Illuminate\Bus\UniqueLock` for Shuttle: the lock key a `ShouldBeUnique` job holds while queued, and its
/// acquire/release, with the rules of the configured Laravel release (spec §7.1).
public struct UniqueLock: Sendable {
    public let version: LaravelVersion

    public init(version: LaravelVersion) { self.version = version }

    public enum Error: Swift.Error, CustomStringConvertible {
        case noLockStore(jobClass: String)

        public var description: String {
            switch self {
            case .noLockStore(let c): return "\(c) is unique but no lock store is configured (BusServices.locks)"
            }
        }
    }

    /// `UniqueLock::getKey`, before the store's prefix.
    /// - Parameter displayName: what the class's `displayName()` returns; nil when it has none.
    public func key(className: String, uniqueId: String, displayName: String? = nil) -> String {
        var name = className
        if version.uniqueLockKeyUsesDisplayName, let displayName {
            name = version.uniqueLockKeyHashesDisplayName ? XXH3.hash128Hex(Array(displayName.utf8)) : displayName
        }
        return "laravel_unique_job:" + name + (version.uniqueLockKeyHasSeparator ? ":" : "") + uniqueId
    }

    public func key(for command: PHPObject, handler: any UniqueJobHandler) -> String {
        key(className: command.className, uniqueId: handler.uniqueId(for: command),
            displayName: (handler as? any QueueableJobHandler)?.displayName(for: command))
    }

    /// `UniqueLock::release`: forced (`DEL`), or from v13.24 owner-checked when the job carries its owner.
    /// Returns the key it released.
    @discardableResult
    public func release(_ command: PHPObject, handler: any UniqueJobHandler, defaultLocks: (any LockProvider)?) async throws -> String {
        guard let locks = handler.uniqueVia ?? defaultLocks else { throw Error.noLockStore(jobClass: command.className) }
        let key = key(for: command, handler: handler)
        if version.uniqueLockHasOwner, let owner = command["uniqueLockOwner"]?.stringValue, !owner.isEmpty {
            try await locks.release(key, owner: owner)
        } else {
            try await locks.forceRelease(key)
        }
        return key
    }

    /// `UniqueLock::acquire` (`PendingDispatch::shouldDispatch`): false when another dispatch holds the lock.
    /// From v13.24 the owner is written into the job's `uniqueLockOwner`.
    public func acquire(_ command: inout PHPObject, handler: any UniqueJobHandler, defaultLocks: (any LockProvider)?) async throws -> Bool {
        guard let locks = handler.uniqueVia ?? defaultLocks else { throw Error.noLockStore(jobClass: command.className) }
        let owner = PayloadIdentity.randomString(16)
        guard try await locks.acquire(key(for: command, handler: handler), owner: owner, seconds: handler.uniqueFor(for: command)) else {
            return false
        }
        if version.uniqueLockHasOwner {
            var object = QueueableObject(command, version: version)
            object.set(.uniqueLockOwner, .string(owner))
            command = object.object
        }
        return true
    }
}
