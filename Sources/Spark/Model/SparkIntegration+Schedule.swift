import PHPFormats

/// The app's `Integration` helpers that decide when an instance is fetched again (spec §6.1), on Unix seconds.
extension SparkIntegration {
    /// `getUpdateFrequencyMinutes(): int`: `configuration.update_frequency_minutes`, default 15. PHP's `int`
    /// return type coerces a numeric string or truncates a float; nil when PHP would throw a `TypeError`.
    public var updateFrequencyMinutes: Int? {
        guard let value = configuration?["update_frequency_minutes"], !value.isNull else { return 15 }
        switch value {
        case .number(let number):
            if let int = number.integerValue { return int }
            let double = number.doubleValue
            return double.isFinite ? Int(double.rounded(.towardZero)) : nil
        case .string:
            let text = String(value.stringValue?.trimmingSpaces() ?? "")
            if let int = Int(text) { return int }
            if let double = Double(text), double.isFinite { return Int(double.rounded(.towardZero)) }
            return nil
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// `needsUpdate()`: never updated, or now is after `last_successful_update_at` + frequency.
    public func needsUpdate(now: Int64, frequency: Int) -> Bool {
        guard let last = lastSuccessfulUpdateAt.flatMap(Self.unix) else { return true }
        return now > last + Int64(frequency) * 60
    }

    /// `isProcessing()`: triggered within clamp(frequency, 5, 30) minutes and not since succeeded.
    public func isProcessing(now: Int64, frequency: Int) -> Bool {
        guard let triggered = lastTriggeredAt.flatMap(Self.unix) else { return false }
        let window = Int64(max(5, min(30, frequency))) * 60
        let recent = triggered > now - window
        let afterSuccess = lastSuccessfulUpdateAt.flatMap(Self.unix).map { triggered > $0 } ?? true
        return recent && afterSuccess
    }

    /// CheckIntegrationUpdates' "too soon" rule: `last_triggered_at` + frequency is still in the future.
    public func triggeredTooRecently(now: Int64, frequency: Int) -> Bool {
        guard let triggered = lastTriggeredAt.flatMap(Self.unix) else { return false }
        return triggered + Int64(frequency) * 60 > now
    }

    static func unix(_ text: String) -> Int64? { SparkTime.parse(text)?.unix }
}
