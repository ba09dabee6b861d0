import PHPFormats
/// Runs one PHP job class natively. Registered by PHP class name in a `JobRegistry`.
///
/// Like a Laravel job's `handle()`: throw to fail this attempt (Laravel's retry rules then apply), or use
/// the context to release, delete or fail the job explicitly.
public protocol JobHandler: Sendable {
    func handle(_ context: JobContext) async throws
    /// Laravel's `failed(Throwable $e)` hook: called once when the job is failed for good.
    func failed(_ context: JobContext, error: any Error) async
    /// Whether the worker unserializes the command into `context.command` before `handle` (the default). A handler
    /// of very large payloads says false and reads `context.payload.commandBytes` itself, so the worker does not
    /// hold the whole command as values beside its bytes.
    var decodesCommand: Bool { get }
}

extension JobHandler {
    public func failed(_ context: JobContext, error: any Error) async {}

    public var decodesCommand: Bool { true }
}
