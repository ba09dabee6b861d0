#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// The per-push values of a payload. Random by default; fixed ones let tests reproduce captured bytes.
public struct PayloadIdentity: Hashable, Sendable {
    /// `Str::uuid()`: a lowercase UUID v4.
    public var uuid: String
    /// `Str::random(32)`; ignored under Horizon, where `id` = `uuid`.
    public var id: String
    /// Unix seconds (`createdAt`, v12.11+).
    public var createdAt: Int
    /// Horizon's `pushedAt` string.
    public var pushedAt: String

    public init(uuid: String, id: String, createdAt: Int, pushedAt: String) {
        self.uuid = uuid; self.id = id; self.createdAt = createdAt; self.pushedAt = pushedAt
    }

    public static func random(now: Date = Date()) -> PayloadIdentity {
        PayloadIdentity(uuid: UUID().uuidString.lowercased(), id: randomString(32),
                        createdAt: Int(now.timeIntervalSince1970.rounded(.down)),
                        pushedAt: phpFloatString(now.timeIntervalSince1970))
    }

    /// `Str::random()`: characters from `[A-Za-z0-9]`.
    public static func randomString(_ length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] })
    }

    /// PHP's float-to-string (`precision = 14`), as Horizon's `str_replace(',', '.', microtime(true))` gives.
    public static func phpFloatString(_ value: Double) -> String {
        var text = CFormat.string("%.14G", value)
        if text.contains("E") {
            // PHP writes `1.0E+25`: a fraction is always present and the exponent has no padding.
            let parts = text.split(separator: "E", maxSplits: 1)
            var mantissa = String(parts[0])
            if !mantissa.contains(".") { mantissa += ".0" }
            let exp = Int(parts[1]) ?? 0
            text = mantissa + "E" + (exp < 0 ? "-" : "+") + String(abs(exp))
        }
        return text
    }
}
