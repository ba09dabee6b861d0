import PHPFormats
/// The PHP job classes Shuttle runs natively. Anything not registered goes back to PHP untouched.
public struct JobRegistry: Sendable {
    private var entries: [String: Entry] = [:]
    /// The handlers by their class's UTF-8 bytes exactly as registered (no leading `\`): what nearly every
    /// payload carries, so the worker finds a job's handler without building a lower-cased String per job.
    private var byExactBytes: [ClassBytes: any JobHandler] = [:]

    /// Hashes its bytes in one call: `[UInt8]`'s own hashing feeds the hasher a byte at a time.
    private struct ClassBytes: Hashable, Sendable {
        let bytes: [UInt8]
        static func == (a: ClassBytes, b: ClassBytes) -> Bool { a.bytes == b.bytes }
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// A handler and who registered it, so a second registration of its class can name both.
    private struct Entry: Sendable {
        let handler: any JobHandler
        let registrant: String
        /// The class as registered (without a leading `\`), for listing; lookups go by the normalized name.
        let spelling: String
    }

    public init() {}

    /// Registers `handler` for `phpClass`. A class has one handler: registering it again throws rather than
    /// letting whichever came last win, since two integrations claiming one class is a mistake to fix at start.
    /// - Parameters:
    ///   - phpClass: the class as PHP names it (`data.commandName`), e.g. `App\Jobs\SendInvoice`.
    ///   - registrant: who registers it (an integration's name), for that error; the handler's type is added.
    public mutating func register(_ phpClass: String, _ handler: any JobHandler, by registrant: String? = nil)
        throws(DuplicateJobRegistration) {
        let key = Self.normalize(phpClass)
        let handlerType = String(describing: type(of: handler))
        let who = registrant.map { "\($0) (\(handlerType))" } ?? handlerType
        if let existing = entries[key] {
            throw DuplicateJobRegistration(phpClass: phpClass, first: existing.registrant, second: who)
        }
        let spelling = phpClass.hasPrefix("\\") ? String(phpClass.dropFirst()) : phpClass
        entries[key] = Entry(handler: handler, registrant: who, spelling: spelling)
        byExactBytes[ClassBytes(bytes: Array(spelling.utf8))] = handler
    }

    public func handler(for phpClass: String) -> (any JobHandler)? {
        entries[Self.normalize(phpClass)]?.handler
    }

    /// `handler(for:)` for a class name as the payload's UTF-8 bytes: the exact spelling is looked up first,
    /// any other (case, leading `\`) is normalized as `handler(for:)` does.
    package func handler(forClassBytes bytes: [UInt8]) -> (any JobHandler)? {
        if let handler = byExactBytes[ClassBytes(bytes: bytes)] { return handler }
        return handler(for: String(decoding: bytes, as: UTF8.self))
    }

    /// The classes as registered, for listing.
    public var registeredClasses: [String] { entries.values.map(\.spelling).sorted() }

    /// The classes as lookups and the selective pop script match them: lower-cased, no leading `\`.
    package var normalizedClasses: [String] { entries.keys.sorted() }

    /// PHP class names are case-insensitive (ASCII letters only, as PHP folds them and as the selective pop
    /// script's `string.lower` does) and may be written with a leading backslash.
    package static func normalize(_ name: String) -> String {
        var bytes = Array(name.utf8)
        if bytes.first == UInt8(ascii: "\\") { bytes.removeFirst() }
        for i in bytes.indices where bytes[i] >= UInt8(ascii: "A") && bytes[i] <= UInt8(ascii: "Z") { bytes[i] += 32 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
