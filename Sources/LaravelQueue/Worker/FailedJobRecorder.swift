#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PHPFormats

/// Writes failed jobs to the `FailedJobProvider`, including queue elements Laravel's failer would refuse
/// (not UTF-8, not JSON, no `uuid`): those are stored as salvaged text under a uuid derived from their
/// bytes, with the exact bytes in base64 in the exception text. Nothing popped is dropped, and recording
/// the same element again (a quarantine sweep after a crash) finds the earlier row instead of doubling it.
struct FailedJobRecorder: Sendable {
    let failer: (any FailedJobProvider)?
    let logger: Logger

    /// True when recorded, or when there is no store to record into (Laravel's `null` failer).
    func record(connection: String, queue: String, payload: [UInt8], exception: String) async -> Bool {
        guard let failer else {
            logger.error("job failed and no failed-job store is configured", metadata: ["queue": "\(queue)", "exception": "\(exception)"])
            return true
        }
        do {
            if let problem = Self.problem(with: payload) {
                let uuid = Self.derivedUUID(queue: queue, bytes: payload)
                if try await failer.find(uuid) != nil { return true }
                let note = "\n\nShuttle: this queue element \(problem), so failed_jobs holds it as text with invalid UTF-8 "
                    + "replaced by '?' and uuid \(uuid) derived from its bytes. Its exact bytes, base64: "
                    + Data(payload).base64EncodedString()
                try await failer.log(connection: connection, queue: queue, payloadText: PHPUTF8.convert(payload),
                                     exception: exception + note, uuid: uuid)
            } else {
                try await failer.log(connection: connection, queue: queue, payload: payload, exception: exception)
            }
            return true
        } catch {
            logger.critical("could not record a failed job; it stays on the queue and is recorded on a later try", metadata: [
                "queue": "\(queue)", "error": "\(error)", "payload": "\(Data(payload).base64EncodedString())",
            ])
            return false
        }
    }

    /// Why Laravel's failer could not store these bytes as they are, or nil when it can.
    static func problem(with payload: [UInt8]) -> String? {
        if String(validating: payload, as: UTF8.self) == nil { return "is not valid UTF-8" }
        if DatabaseUuidFailedJobProvider.uuid(in: payload) == nil { return "is not a JSON object with a string \"uuid\"" }
        return nil
    }

    /// A uuid-shaped digest of queue name and bytes (HMAC-SHA256 under a fixed key, first 128 bits).
    static func derivedUUID(queue: String, bytes: [UInt8]) -> String {
        let hex = String(decoding: HMACSHA256.hex(key: Array("shuttle-quarantine".utf8), message: Array(queue.utf8) + [0] + bytes), as: UTF8.self)
        let h = Array(hex.prefix(32))
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
    }
}
