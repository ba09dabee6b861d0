import PHPFormats
/// Runs one PHP job class natively. Registered by PHP class name in a `JobRegistry`.
///
/// Like a Laravel job's `handle()`: throw to fail this attempt (Laravel's retry rules then apply), or use
/// the context to release, delete or fail the job explicitly.
public protocol JobHandler: Sendable {
    func handle(_ context: JobContext) async throws
    /// Laravel's `failed(Throwable $e)` hook: called once when the job is failed for good.
    func failed(_ context: JobContext, error: any Error) async
}

extension JobHandler {
    public func failed(_ context: JobContext, error: any Error) async {}
}
