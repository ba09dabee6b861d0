/// The Apple Health jobs' settings from the app's environment.
public struct AppleHealthSettings: Sendable, Equatable {
    /// Points per metric processing job (`SHUTTLE_APPLE_HEALTH_CHUNK`): a daily export's long series become
    /// several jobs, so payloads stay small and a failure retries only its chunk.
    public var chunkSize: Int

    public static let defaultChunkSize = 5000

    public init(chunkSize: Int = AppleHealthSettings.defaultChunkSize) {
        self.chunkSize = max(1, chunkSize)
    }

    public static func fromEnvironment(_ variables: [String: String]) throws -> AppleHealthSettings {
        guard let text = variables["SHUTTLE_APPLE_HEALTH_CHUNK"], !text.isEmpty else { return AppleHealthSettings() }
        guard let size = Int(text), size >= 1 else {
            throw AppleHealthSettingsError(message: "SHUTTLE_APPLE_HEALTH_CHUNK must be a whole number of points, at least 1, got \(text)")
        }
        return AppleHealthSettings(chunkSize: size)
    }
}

public struct AppleHealthSettingsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
