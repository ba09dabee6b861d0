#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PHPFormats

/// Whole-file reads and writes under `flock`, the locks Laravel's `Filesystem` takes for the file cache:
/// `sharedGet` reads under `LOCK_SH`, `put(…, lock: true)` (`file_put_contents` with `LOCK_EX`) truncates
/// and writes under `LOCK_EX`. Honouring them means neither side ever sees the other's half-written file.
enum LockedFile {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// The file's bytes, or nil when it does not exist.
    static func contents(of path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Failure(operation: "open", path: path, code: errno)
        }
        defer { close(fd) }
        try lock(fd, LOCK_SH, path)
        defer { _ = flock(fd, LOCK_UN) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", path: path, code: errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    /// Replaces the file's contents, creating it (mode 0666 less the umask, as PHP does) when missing.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        if fd < 0 { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        try lock(fd, LOCK_EX, path)
        defer { _ = flock(fd, LOCK_UN) }
        if ftruncate(fd, 0) != 0 { throw Failure(operation: "truncate", path: path, code: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", path: path, code: errno)
            }
            offset += n
        }
    }

    /// Deletes the file; false when there was none.
    @discardableResult
    static func remove(_ path: String) throws -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT || errno == ENOTDIR { return false }
        throw Failure(operation: "unlink", path: path, code: errno)
    }

    /// Runs `body` holding an exclusive `flock` on `path` (created when missing): a mutex between processes.
    static func withExclusiveLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        if fd < 0 { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        try lock(fd, LOCK_EX, path)
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    /// `mkdir -p` with mode 0777 less the umask, as `makeDirectory($dir, 0777, true, true)` does.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                throw Failure(operation: "mkdir", path: prefix, code: errno)
            }
            prefix += "/"
        }
    }

    private static func lock(_ fd: Int32, _ operation: Int32, _ path: String) throws {
        while flock(fd, operation) != 0 {
            if errno != EINTR { throw Failure(operation: "flock", path: path, code: errno) }
        }
    }
}
