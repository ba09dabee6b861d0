import PHPFormats
/// A trait that adds properties. The framework ones take their values from `QueueableState`.
public enum JobTrait: Hashable, Sendable {
    case dispatchable
    /// public `$job` (null when serialized).
    case interactsWithQueue
    /// `Illuminate\Bus\Queueable`, with the version's property list.
    case queueable
    /// public `$batchId`; v9.31+ also private `$fakeBatch`.
    case batchable
    /// Adds no properties; whether the `SerializesModels` shape applies is a separate choice.
    case serializesModels
    case custom(name: String, properties: [JobProperty])

    /// `use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;` — what `make:job` generates.
    public static let standardJob: [JobTrait] = [.dispatchable, .interactsWithQueue, .queueable, .serializesModels]
}
