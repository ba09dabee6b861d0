/// The Laravel framework major version Shuttle works beside (`SHUTTLE_LARAVEL_VERSION`, default 12).
///
/// Defaults that the skeleton configs hard-code or name differently per major (cache store variable,
/// key separators, default prefixes) are chosen from it.
public struct LaravelVersion: Comparable, Sendable, CustomStringConvertible {
    public let major: Int

    public static let supported: ClosedRange<Int> = 8...13
    public static let `default` = LaravelVersion(uncheckedMajor: 12)
    public static let variable = "SHUTTLE_LARAVEL_VERSION"

    init(uncheckedMajor major: Int) { self.major = major }

    public init(major: Int) throws(ConfigurationError) {
        guard Self.supported.contains(major) else {
            throw ConfigurationError("Laravel \(major) is not supported (\(Self.supported.lowerBound) – \(Self.supported.upperBound))")
        }
        self.major = major
    }

    /// Accepts `12`, `12.1`, `v12.3.0`: only the major matters.
    public init(parsing text: String, variable: String = LaravelVersion.variable) throws(ConfigurationError) {
        let digits = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard let first = parts.first, let major = Int(first), parts.dropFirst().allSatisfy({ Int($0) != nil }),
              Self.supported.contains(major) else {
            throw .invalid(variable, text, "is not a supported Laravel version (\(Self.supported.lowerBound) – \(Self.supported.upperBound))")
        }
        self.major = major
    }

    public static func < (lhs: LaravelVersion, rhs: LaravelVersion) -> Bool { lhs.major < rhs.major }

    public var description: String { "Laravel \(major)" }
}
