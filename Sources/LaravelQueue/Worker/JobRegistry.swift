import PHPFormats
/// The PHP job classes Shuttle runs natively. Anything not registered goes back to PHP untouched.
public struct JobRegistry: Sendable {
    private var handlers: [String: any JobHandler] = [:]
    /// Each class as registered, for listing (lookups go by the normalized name).
    private var spellings: [String: String] = [:]

    public init() {}

    /// - Parameter phpClass: the class as PHP names it (`data.commandName`), e.g. `App\Jobs\SendInvoice`.
    public mutating func register(_ phpClass: String, _ handler: any JobHandler) {
        handlers[Self.normalize(phpClass)] = handler
        spellings[Self.normalize(phpClass)] = phpClass.hasPrefix("\\") ? String(phpClass.dropFirst()) : phpClass
    }

    public func handler(for phpClass: String) -> (any JobHandler)? {
        handlers[Self.normalize(phpClass)]
    }

    public var registeredClasses: [String] { spellings.values.sorted() }

    /// PHP class names are case-insensitive and may be written with a leading backslash.
    static func normalize(_ name: String) -> String {
        var n = name
        if n.hasPrefix("\\") { n.removeFirst() }
        return n.lowercased()
    }
}
