import CXXHash
import Digests

/// XXH3 128-bit (seed 0, default secret): PHP's `hash('xxh128', …)`, which Laravel 12.54+ applies to a
/// unique job's `displayName()` in its lock key. Computed by Debian's libxxhash (0.8, the reference
/// implementation PHP bundles) rather than by our own port of the algorithm.
///
/// Cost, measured on the static-stdlib release build: libxxhash.so adds 36 kB resident (8 kB private) to an
/// idle `shuttle work` (about 20.1 MB either way, within run-to-run noise), and the binary is 50 kB smaller.
package enum XXH3 {
    /// Lowercase hex of the canonical form (big-endian high half, then low half), as `hash()` prints it.
    package static func hash128Hex(_ input: [UInt8]) -> String {
        let hash = input.withUnsafeBytes { XXH3_128bits($0.baseAddress, $0.count) }
        var canonical = XXH128_canonical_t()
        XXH128_canonicalFromHash(&canonical, hash)
        return withUnsafeBytes(of: canonical.digest) { Hex.string($0) }
    }
}
