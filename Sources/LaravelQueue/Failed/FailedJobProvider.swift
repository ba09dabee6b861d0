import PHPFormats
/// Where failed jobs are recorded: Laravel's `FailedJobProviderInterface` (`queue.failer`), with the
/// counting and listing methods `queue:failed` and `queue:retry` use.
///
/// Ids are the job uuids, as for Laravel's `database-uuids` driver.
public protocol FailedJobProvider: Sendable {
    /// Records a failed job; returns its uuid. `payload` is the raw body as popped (not the reserved copy).
    @discardableResult
    func log(connection: String, queue: String, payload: [UInt8], exception: String) async throws -> String?
    /// Records what `log` refuses (a queue element that is not UTF-8, not JSON or has no `uuid`) under an
    /// explicit uuid, with the text the worker could salvage, so such an element is never dropped.
    @discardableResult
    func log(connection: String, queue: String, payloadText: String, exception: String, uuid: String) async throws -> String?
    /// Uuids of the failed jobs, newest first, optionally only those of one queue.
    func ids(queue: String?) async throws -> [String]
    /// Every failed job, newest first.
    func all() async throws -> [FailedJobRecord]
    func find(_ id: String) async throws -> FailedJobRecord?
    /// Deletes one record; true when there was one.
    @discardableResult
    func forget(_ id: String) async throws -> Bool
    /// Deletes all records, or with `hours` only those that failed at least that many hours ago.
    func flush(hours: Int?) async throws
    func count(connection: String?, queue: String?) async throws -> Int
}

extension FailedJobProvider {
    public func log(connection: String, queue: String, payloadText: String, exception: String, uuid: String) async throws -> String? {
        throw UnsupportedRecord()
    }
    public func ids() async throws -> [String] { try await ids(queue: nil) }
    public func flush() async throws { try await flush(hours: nil) }
    public func count() async throws -> Int { try await count(connection: nil, queue: nil) }
}

/// A failed-job store that can only record well-formed job payloads.
public struct UnsupportedRecord: Error, CustomStringConvertible {
    public var description: String { "this failed-job store cannot record a payload without uuid or not in UTF-8" }
}
