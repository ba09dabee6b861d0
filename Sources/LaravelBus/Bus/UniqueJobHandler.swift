import PHPSerialization
import LaravelQueue
import PHPFormats

/// A handler for a PHP class that implements `ShouldBeUnique`. The payload does not say so, and PHP methods
/// (`uniqueId()`, `uniqueFor()`, `uniqueVia()`) cannot run here: the handler declares what they return,
/// so Shuttle frees (and, dispatching a chained job, takes) the same lock key PHP does (spec §7.1).
public protocol UniqueJobHandler: JobHandler {
    /// `uniqueId()`; default: the `uniqueId` property as PHP would concatenate it, else `""`.
    func uniqueId(for command: PHPObject) -> String
    /// `uniqueFor()` / `$uniqueFor` in seconds (0 = no expiry); default: the `uniqueFor` property, else 0.
    func uniqueFor(for command: PHPObject) -> Int
    /// `ShouldBeUniqueUntilProcessing`: the lock is freed as the handler starts, not when it ends.
    var uniqueUntilProcessing: Bool { get }
    /// `uniqueVia()`: the cache store holding the lock; nil = the app's default store (`BusServices.locks`).
    var uniqueVia: (any LockProvider)? { get }
}

extension UniqueJobHandler {
    public func uniqueId(for command: PHPObject) -> String {
        command["uniqueId"].map(PHPStringCast.string) ?? ""
    }

    public func uniqueFor(for command: PHPObject) -> Int {
        command["uniqueFor"].flatMap(PHPStringCast.int) ?? 0
    }

    public var uniqueUntilProcessing: Bool { false }
    public var uniqueVia: (any LockProvider)? { nil }
}
