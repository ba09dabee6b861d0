#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PHPSerialization

/// `String(format:)` for numbers through the C library's `vsnprintf`: Foundation's version needs the
/// whole of Foundation (and ICU). The process never calls `setlocale`, so the C locale's `.` is the
/// decimal point.
package enum CFormat {
    package static func string(_ format: String, _ arguments: CVarArg...) -> String {
        var capacity = 64
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let length = withVaList(arguments) { vsnprintf(&buffer, capacity, format, $0) }
            if length < 0 { return "" }
            if Int(length) < capacity {
                return String(decoding: buffer[..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(length) + 1
        }
    }
}
