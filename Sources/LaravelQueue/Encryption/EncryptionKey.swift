#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// Raw key bytes parsed from an `APP_KEY`-style string.
///
/// Its description and mirror never show the bytes, so a key cannot leak into logs through string interpolation.
public struct EncryptionKey: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public let bytes: [UInt8]

    /// Parses `base64:<text>` (decoded) or a raw key (its UTF-8 bytes), as Laravel's `EncryptionServiceProvider` does.
    public init(appKey: String) throws(EncryptionError) {
        guard !appKey.isEmpty else { throw .invalidKey("the key is empty (no APP_KEY set?)") }
        let prefix = "base64:"
        if appKey.hasPrefix(prefix) {
            let encoded = appKey.dropFirst(prefix.count)
            guard let decoded = Data(base64Encoded: String(encoded)) else {
                throw .invalidKey("the text after \"base64:\" is not valid base64")
            }
            bytes = [UInt8](decoded)
        } else {
            bytes = Array(appKey.utf8)
        }
    }

    /// Wraps raw key bytes (e.g. from `php artisan key:generate --show` decoded by the caller).
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var description: String { "EncryptionKey(\(bytes.count) bytes)" }

    public var customMirror: Mirror { Mirror(self, children: ["length": bytes.count]) }
}
