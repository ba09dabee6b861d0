import CHiredis

/// Reusable storage for hiredis' `argv`/`argvlen`: the arguments of a command are copied into one
/// byte buffer whose capacity is kept between calls, so writing a command allocates nothing after
/// warm-up. Lengths are explicit, so payloads with NUL or any byte go out intact.
///
/// A value of `largeValue` bytes or more (a job payload of megabytes) is not copied: hiredis reads it in
/// place, so the buffer never grows to, and keeps, the size of the largest job, and the command goes from the
/// arguments straight to the socket when nothing else waits to be written (`shuttle_write_command_argv`), else
/// is formatted into hiredis' output buffer.
struct ArgvBuffer {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int] = []
    private var pointers: [UnsafePointer<CChar>?] = []
    /// The large values of the command being written (argument index, bytes); emptied after each command.
    private var large: [(index: Int, bytes: [UInt8])] = []

    static let largeValue = 1 << 16

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
            case .value(let value) where value.count >= Self.largeValue:
                large.append((lengths.count, value))
                offsets.append(0)
                lengths.append(value.count)
            case .value(let value):
                add(value)
            }
        }
        let count = lengths.count
        if pointers.count < count { pointers.append(contentsOf: repeatElement(nil, count: count - pointers.count)) }
        let status = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            for i in 0..<count { pointers[i] = base + offsets[i] }
            guard !large.isEmpty else {
                return pointers.withUnsafeMutableBufferPointer { argv in
                    lengths.withUnsafeBufferPointer { argvlen in
                        redisAppendCommandArgv(context, Int32(count), argv.baseAddress, argvlen.baseAddress)
                    }
                }
            }
            return Self.withLargeValues(large[...], &pointers) { pointers in
                pointers.withUnsafeMutableBufferPointer { argv in
                    lengths.withUnsafeBufferPointer { argvlen in
                        shuttle_write_command_argv(context, Int32(count), argv.baseAddress, argvlen.baseAddress)
                    }
                }
            }
        }
        large.removeAll(keepingCapacity: true)
        return status
    }

    /// Points each large value's argv slot at its own storage for the duration of `body`.
    private static func withLargeValues(_ values: ArraySlice<(index: Int, bytes: [UInt8])>, _ pointers: inout [UnsafePointer<CChar>?],
                                        _ body: (inout [UnsafePointer<CChar>?]) -> Int32) -> Int32 {
        guard let first = values.first else { return body(&pointers) }
        return first.bytes.withUnsafeBufferPointer { buffer in
            pointers[first.index] = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            return withLargeValues(values.dropFirst(), &pointers, body)
        }
    }

    private mutating func add(_ part: some Collection<UInt8>) {
        offsets.append(bytes.count)
        bytes.append(contentsOf: part)
        lengths.append(part.count)
    }
}
