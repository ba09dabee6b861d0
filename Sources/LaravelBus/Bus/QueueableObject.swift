import PHPSerialization
import LaravelQueue
import PHPFormats

/// Writes `Queueable` properties into an unserialized job the way PHP's re-serialization would show them:
/// an existing property keeps its place and only its value changes; a missing one is inserted where the
/// trait declares it; under `SerializesModels` (v9.4+), which leaves out values equal to their defaults,
/// a default value is left out too.
struct QueueableObject {
    var object: PHPObject
    let version: LaravelVersion

    init(_ object: PHPObject, version: LaravelVersion) {
        self.object = object
        self.version = version
    }

    /// Plain `serialize()` writes every declared property, so `Queueable`'s always-initialised `chained` and
    /// `middleware` are only ever missing when `SerializesModels` left defaults out.
    var omitsDefaults: Bool { object["chained"] == nil || object["middleware"] == nil }

    /// The property's value, its declared default when it was left out.
    subscript(property: QueueableProperty) -> PHPValue {
        object[property.rawValue] ?? property.defaultValue
    }

    mutating func set(_ property: QueueableProperty, _ value: PHPValue) {
        let name = property.rawValue
        if let i = object.properties.firstIndex(where: { $0.name == name && $0.visibility == .public }) {
            if omitsDefaults && value == property.defaultValue {
                object.properties.remove(at: i)
            } else {
                object.properties[i].value = value
            }
            return
        }
        if omitsDefaults && value == property.defaultValue { return }
        object.properties.insert(PHPProperty(name: name, value: value), at: insertionIndex(for: property))
    }

    /// After the nearest present property declared before it by the trait, else before the nearest declared
    /// after it, else after `job` (`InteractsWithQueue`, used before `Queueable` in every stub), else last.
    private func insertionIndex(for property: QueueableProperty) -> Int {
        let order = version.queueableProperties
        let position = order.firstIndex(of: property) ?? order.count
        func index(of p: QueueableProperty) -> Int? {
            object.properties.firstIndex { $0.name == p.rawValue && $0.visibility == .public }
        }
        for p in order[..<position].reversed() {
            if let i = index(of: p) { return i + 1 }
        }
        for p in order[min(position + 1, order.count)...] {
            if let i = index(of: p) { return i }
        }
        if let i = object.properties.firstIndex(where: { $0.name == "job" && $0.visibility == .public }) { return i + 1 }
        return object.properties.count
    }
}
