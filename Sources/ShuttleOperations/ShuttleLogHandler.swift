#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import PHPFormats

/// swift-log's backend for Shuttle: one line per event on stderr (piped stdout is buffered), as text or as
/// one JSON object per line, with every known secret value redacted from the message and the metadata.
/// Each line is one `write(2)`, so lines from concurrent jobs never interleave.
public struct ShuttleLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LogFormat
    let redactor: SecretRedactor
    let write: @Sendable ([UInt8]) -> Void

    public init(label: String, format: LogFormat, level: Logger.Level = .info, redactor: SecretRedactor,
                write: @escaping @Sendable ([UInt8]) -> Void = ShuttleLogHandler.standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.redactor = redactor
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let keys = all.keys.sorted()
        let message = redactor.redact("\(event.message)")
        var line: [UInt8]
        switch format {
        case .text:
            // swift-log's StreamLogHandler layout, which scripts (make bench) and people already read.
            var text = "\(Self.localTimestamp()) \(event.level) \(label):"
            for key in keys { text += " \(key)=\(redactor.redact(all[key]!.description))" }
            text += " [\(event.source)] \(message)"
            line = Array(text.utf8)
        case .json:
            var members: [JSONObject.Member] = [
                .init(key: "time", value: .string(Self.timestamp())),
                .init(key: "level", value: .string(event.level.rawValue)),
                .init(key: "label", value: .string(label)),
                .init(key: "message", value: .string(message)),
            ]
            for key in keys {
                let name = ["time", "level", "label", "message"].contains(key) ? "meta_" + key : key
                members.append(.init(key: name, value: json(all[key]!)))
            }
            line = (try? JSONWriter.encode(JSONObject(members), options: [.unescapedSlashes, .unescapedUnicode]))
                ?? Array(#"{"level":"error","message":"log line was not valid UTF-8"}"#.utf8)
        }
        line.append(10)
        write(line)
    }

    private func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): .string(redactor.redact(s))
        case .stringConvertible(let c): .string(redactor.redact(c.description))
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(JSONObject(d.keys.sorted().map { .init(key: $0, value: json(d[$0]!)) }))
        }
    }

    /// ISO 8601 in UTC with milliseconds, from the C library (FoundationEssentials has no date formatter here).
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int = 2) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }

    /// StreamLogHandler's timestamp: local time, seconds, numeric zone.
    static func localTimestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes a whole line to stderr, retrying short writes.
    public static let standardError: @Sendable ([UInt8]) -> Void = { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { writeStandardError($0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}

/// write(2) on stderr; a free function, as the handler's own `write` property would shadow the C call.
private func writeStandardError(_ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(STDERR_FILENO, pointer, count)
    #else
    Darwin.write(STDERR_FILENO, pointer, count)
    #endif
}
