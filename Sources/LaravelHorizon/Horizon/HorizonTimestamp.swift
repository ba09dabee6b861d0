import LaravelQueue
import PHPFormats
import PHPSerialization
/// One `microtime(true)` reading as Horizon writes it (spec §8.3): PHP's 14-significant-digit float string
/// for fields and scores, whole Unix seconds for EXPIREAT.
public struct HorizonTimestamp: Hashable, Sendable {
    /// Unix seconds with a fraction.
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// `T`, e.g. `1795981914.9726`.
    public var text: String { PayloadIdentity.phpFloatString(seconds) }

    /// `-T`, the score of Horizon's newest-first sorted sets (`microtime(true) * -1`).
    public var negatedText: String { PayloadIdentity.phpFloatString(-seconds) }

    /// `Carbon::now()->addMinutes(m)->getTimestamp()`.
    public func adding(minutes: Int) -> Int { Int(seconds.rounded(.down)) + minutes * 60 }
}
