import PHPSerialization
import LaravelQueue
import PHPFormats

/// A handler that tells Shuttle what PHP methods of its class would say when Shuttle builds a payload for
/// it (a chained job it dispatches) or names its unique lock: `displayName()`, `tries()`, `backoff()`, …
/// and class defaults that a `SerializesModels` job (v9.4+) leaves out of its serialized form.
public protocol QueueableJobHandler: JobHandler {
    /// `displayName()`; nil when the class has no such method (the payload then shows the class name).
    func displayName(for command: PHPObject) -> String?
    /// The payload options; `fromProperties` is what the serialized public properties say.
    func payloadOptions(for command: PHPObject, fromProperties: JobOptions) -> JobOptions
}

extension QueueableJobHandler {
    public func displayName(for command: PHPObject) -> String? { nil }
    public func payloadOptions(for command: PHPObject, fromProperties: JobOptions) -> JobOptions { fromProperties }
}
