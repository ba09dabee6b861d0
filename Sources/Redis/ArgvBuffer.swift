import CHiredis

/// Reusable storage for hiredis' `argv`/`argvlen`: all arguments of a command are copied into one
/// byte buffer whose capacity is kept between calls, so writing a command allocates nothing after
/// warm-up. Lengths are explicit, so payloads with NUL or any byte go out intact.
struct ArgvBuffer {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int] = []
    private var pointers: [UnsafePointer<CChar>?] = []

    init() {
        bytes.reserveCapacity(4096)
    }

    /// Appends `command` to hiredis' output buffer, prefixing `.key` arguments. Returns hiredis' status.
    mutating func append(_ command: RedisCommand, prefix: [UInt8], to context: UnsafeMutablePointer<redisContext>) -> Int32 {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        add(command.name.utf8)
        for argument in command.arguments {
            switch argument {
            case .key(let name):
                let start = bytes.count
                bytes.append(contentsOf: prefix)
                bytes.append(contentsOf: name.utf8)
                offsets.append(start)
                lengths.append(bytes.count - start)
            case .value(let value):
                add(value)
            }
        }
        let count = lengths.count
        if pointers.count < count { pointers.append(contentsOf: repeatElement(nil, count: count - pointers.count)) }
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            for i in 0..<count { pointers[i] = base + offsets[i] }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisAppendCommandArgv(context, Int32(count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
    }

    private mutating func add(_ part: some Collection<UInt8>) {
        offsets.append(bytes.count)
        bytes.append(contentsOf: part)
        lengths.append(part.count)
    }
}
