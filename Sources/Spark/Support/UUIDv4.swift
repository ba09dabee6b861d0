#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Random (version 4) UUIDs as lower-case text, from the kernel's generator, drawn a
/// block of ids at a time: a bulk write makes tens of thousands of ids, and one system call per id (or worse,
/// Foundation's open/read/close of /dev/urandom) was a sixth of its CPU.
enum UUIDv4 {
    /// Random bytes not yet handed out, shared by every thread.
    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: 16 * 256)
        var next = 16 * 256
    }

    static func next() -> String {
        var raw: (UInt64, UInt64) = pool.withLock { pool in
            if pool.next == pool.bytes.count {
                pool.bytes.withUnsafeMutableBytes { fill($0) }
                pool.next = 0
            }
            defer { pool.next += 16 }
            return pool.bytes.withUnsafeBytes {
                ($0.loadUnaligned(fromByteOffset: pool.next, as: UInt64.self), $0.loadUnaligned(fromByteOffset: pool.next + 8, as: UInt64.self))
            }
        }
        return text(&raw)
    }

    /// Fills `buffer` from the kernel's generator: one read of /dev/urandom on Linux (`SystemRandomNumberGenerator`
    /// makes a `getrandom` call per 8 bytes, 4% of a bulk write's time), that generator elsewhere or on failure.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n > 0 { filled += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
            if filled == buffer.count { return }
        }
        #endif
        var generator = SystemRandomNumberGenerator()
        for offset in stride(from: 0, to: buffer.count, by: 8) {
            buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
        }
    }

    /// `xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx` (Y one of 8, 9, a, b) of 16 random bytes.
    static func text(_ raw: inout (UInt64, UInt64)) -> String {
        withUnsafeMutableBytes(of: &raw) { bytes in
            bytes[6] = (bytes[6] & 0x0f) | 0x40
            bytes[8] = (bytes[8] & 0x3f) | 0x80
            let hex: StaticString = "0123456789abcdef"
            return String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hex.utf8Start[Int(bytes[i] >> 4)]
                    out[o + 1] = hex.utf8Start[Int(bytes[i] & 0x0f)]
                    o += 2
                }
                return 36
            }
        }
    }
}
