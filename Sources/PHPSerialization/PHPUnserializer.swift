/// Reads PHP's `serialize()` format into `PHPValue`s — as data only: no class is looked up or instantiated.
///
/// Input comes from a queue anyone with Redis access can write to, so the reader is defensive: every length
/// and count is checked against the remaining input before use, integers are parsed with overflow checks,
/// nesting and the number of values are limited, and errors name the byte offset.
///
/// Differences from PHP's `unserialize()` (all refusals of input PHP itself never writes):
/// * trailing bytes after the value are an error unless `Limits.allowsTrailingBytes` (PHP 8.2 ignores them,
///   PHP 8.3 warns);
/// * a duplicate array key is an error (PHP keeps the last value); duplicate property names PHP refuses too;
/// * class names and property names must be UTF-8, so decoding and re-encoding give the same bytes;
/// * integers out of 64-bit range are an error (PHP saturates with a warning);
/// * the legacy `S:` (escaped string) tag is not accepted.
/// Like PHP: numeric-string array keys become int keys, `i:` property names become strings, lengths may
/// have leading zeros, floats accept PHP's forms (`1.`, `.5`, `1e5`, `NAN`, `INF`, `-INF`), `r:` must name an
/// earlier slot holding an object and `R:` any slot already started (so `$a[0] = &$a` reads back).
/// `r:`/`R:` stay references in the result; slot `n` is the n-th value in pre-order, `R:` taking none.
/// Error offsets count from the collection's first element.
public struct PHPUnserializer {
    public struct Limits: Sendable {
        /// Deepest nesting of arrays/objects (the top-level value's contents are depth 1). The reader recurses
        /// once per level, so this also bounds its stack use: keep it in the hundreds, not millions.
        public var maxDepth: Int
        /// Longest input accepted, in bytes. Default: Redis's own limit on one string (`proto-max-bulk-len`),
        /// so any job Redis can hold reads (a 50 MB Apple Health export serializes to ~72 MB).
        public var maxLength: Int
        /// Most values (slots) in one input, counting every nested value. Default: room for a daily health
        /// export (570,000 points are ~3.4 M values) with a margin, while still bounding memory.
        public var maxElements: Int
        /// Accept and ignore bytes after the top-level value, as PHP 8.2 does.
        public var allowsTrailingBytes: Bool

        public init(maxDepth: Int = 128, maxLength: Int = 512 << 20, maxElements: Int = 16_000_000,
                    allowsTrailingBytes: Bool = false) {
            self.maxDepth = maxDepth
            self.maxLength = maxLength
            self.maxElements = maxElements
            self.allowsTrailingBytes = allowsTrailingBytes
        }

        public static let `default` = Limits()
    }

    public static func unserialize(_ bytes: some Collection<UInt8>, limits: Limits = .default)
        throws(PHPSerializationError) -> PHPValue {
        let input = Array(bytes)
        guard input.count <= limits.maxLength else {
            throw PHPSerializationError(offset: limits.maxLength, reason: .inputTooLong(limits.maxLength))
        }
        var reader = PHPValueReader(bytes: input, limits: limits)
        let value = try reader.readValue(depth: 0)
        if !limits.allowsTrailingBytes && reader.position < input.count {
            throw PHPSerializationError(offset: reader.position, reason: .trailingBytes)
        }
        return value
    }
}
