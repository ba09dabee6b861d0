import LaravelQueue
import PHPFormats
import PHPSerialization
/// How the framework's `Bus\UniqueLock` builds and frees unique-job locks, per release (spec §7.1).
extension LaravelVersion {
    /// v11+: `laravel_unique_job:` + class + `:` + uniqueId (v8–v10 have no separator).
    public var uniqueLockKeyHasSeparator: Bool { major >= 11 }
    /// v12.41+: the class part is `displayName()` when the job has that method.
    public var uniqueLockKeyUsesDisplayName: Bool { self >= LaravelVersion(12, 41) }
    /// v12.54+: …and it is the xxh128 hex digest of `displayName()`.
    public var uniqueLockKeyHashesDisplayName: Bool { self >= LaravelVersion(12, 54) }
    /// v13.24+: the lock owner travels in the job's `uniqueLockOwner`; release checks it instead of forcing.
    public var uniqueLockHasOwner: Bool { self >= LaravelVersion(13, 24) }
}
