import PHPFormats
/// The Laravel framework release whose bytes we must reproduce. Minor and patch matter: payload fields
/// and `Queueable` properties changed inside majors (spec §4.3, §5.5, Appendix A).
public struct LaravelVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int = 0, _ patch: Int = 0) {
        self.major = major; self.minor = minor; self.patch = patch
    }

    /// Parses `12`, `12.26` or `12.26.4` (a leading `v` is allowed).
    public init?(_ text: String) {
        let parts = text.drop(while: { $0 == "v" }).split(separator: ".").map { Int($0) }
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
        let p = parts.compactMap { $0 }
        self.init(p[0], p.count > 1 ? p[1] : 0, p.count > 2 ? p[2] : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (a: LaravelVersion, b: LaravelVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    // The releases the fixtures were captured from (the last of each major; 12.26.4 is the app's).
    public static let v8 = LaravelVersion(8, 83, 26)
    public static let v9 = LaravelVersion(9, 52, 22)
    public static let v10 = LaravelVersion(10, 50, 3)
    public static let v11 = LaravelVersion(11, 56, 0)
    public static let v12 = LaravelVersion(12, 26, 4)
    public static let v12_67 = LaravelVersion(12, 67, 0)
    public static let v13 = LaravelVersion(13, 26, 1)
    /// The application's version.
    public static let app = v12

    // MARK: Payload features (spec §4.3)

    public var payloadHasFailOnTimeout: Bool { self >= LaravelVersion(8, 43) }
    public var payloadHasCreatedAtAndDelay: Bool { self >= LaravelVersion(12, 11) }
    public var payloadHasBatchId: Bool { self >= LaravelVersion(12, 51) }
    public var payloadHasDeleteWhenMissingModels: Bool { major >= 13 }

    // MARK: Serialized command features (spec §5.5, §5.6)

    /// `SerializesModels::__serialize` skips properties still equal to their declared default.
    public var serializesModelsOmitsDefaults: Bool { self >= LaravelVersion(9, 4) }
    /// `ModelIdentifier` gained `collectionClass`.
    public var modelIdentifierHasCollectionClass: Bool { self >= LaravelVersion(9, 26) }
    /// `Batchable` declares `private $fakeBatch` (from v9.31.0; the spec's "v9+" is too early).
    public var batchableHasFakeBatch: Bool { self >= LaravelVersion(9, 31) }
    /// The encrypter's JSON carries a `tag` member.
    public var encrypterWritesTag: Bool { self >= LaravelVersion(8, 54) }

    /// `Illuminate\Bus\Queueable`'s properties in declaration order.
    public var queueableProperties: [QueueableProperty] {
        var list: [QueueableProperty]
        if self < LaravelVersion(11, 2) {
            list = [.connection, .queue, .chainConnection, .chainQueue, .chainCatchCallbacks, .delay]
            if self >= LaravelVersion(8, 19) { list.append(.afterCommit) }
            list += [.middleware, .chained]
            return list
        }
        list = [.connection, .queue]
        // v12.28.0 alone called it `group`; v12.28.1 renamed it.
        if self == LaravelVersion(12, 28, 0) { list.append(.group) }
        if self >= LaravelVersion(12, 28, 1) { list.append(.messageGroup) }
        if self >= LaravelVersion(12, 32) { list.append(.deduplicator) }
        if self >= LaravelVersion(13, 6) { list.append(.debounceOwner) }
        if self >= LaravelVersion(13, 24) { list.append(.uniqueLockOwner) }
        list += [.delay, .afterCommit, .middleware, .chained, .chainConnection, .chainQueue, .chainCatchCallbacks]
        return list
    }
}
