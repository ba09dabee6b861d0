#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization

/// Loads a Laravel app's `.env` file with the semantics Laravel gives it.
///
/// Laravel loads `.env` into an *immutable* repository: a variable already in the process environment
/// is never overwritten by the file, and `${NAME}` in the file sees the process environment first, then
/// the entries loaded before it. A bare `NAME` line unsets an earlier file entry.
public enum DotEnv {
    /// The variables `contents` defines, given the process environment (which wins, and is not included).
    public static func load(
        _ contents: String,
        file: String = ".env",
        environment: [String: String] = [:]
    ) throws(DotEnvError) -> [String: String] {
        var loaded: [String: String] = [:]
        for entry in try DotEnvParser.parse(contents, file: file) {
            // Immutable repository: externally defined variables are neither overwritten nor cleared.
            if environment[entry.name] != nil { continue }
            if let value = entry.value {
                loaded[entry.name] = value.resolved { environment[$0] ?? loaded[$0] }
            } else {
                loaded[entry.name] = nil
            }
        }
        return loaded
    }

    /// Reads and loads the file at `path`; a missing or unreadable file is an error naming the path.
    public static func load(path: String, environment: [String: String] = [:]) throws(DotEnvError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DotEnvError(file: path, line: 0, message: "cannot read the file")
        }
        return try load(String(decoding: data, as: UTF8.self), file: path, environment: environment)
    }
}
