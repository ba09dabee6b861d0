#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// The app's Laravel version as Composer installed it (Composer's own `InstalledVersions` reads the same
/// files): `laravel/framework` in `composer.lock` beside the `.env`, else in `vendor/composer/installed.json`
/// (Composer 2's `{"packages": […]}` or Composer 1's top-level list).
///
/// A file that is missing, unreadable, malformed or names no release is passed over (with a warning when it
/// exists but cannot be used): finding the version must never stop a worker that could be told it.
public enum ComposerInstalledVersions {
    public static let frameworkPackage = "laravel/framework"

    /// The version of `laravel/framework`, and the file that gave it; nil when neither file names a release.
    /// Throws only for a release Shuttle does not support (Laravel 7, 14…): behaving as another is a guess.
    public static func laravel(appRoot: String, warnings: inout [String]) throws(ConfigurationError) -> (LaravelVersion, LaravelVersionSource)? {
        let root = appRoot.hasSuffix("/") ? String(appRoot.dropLast()) : appRoot
        let lock = root + "/composer.lock"
        let lockLists: (JSONValue) -> [[JSONValue]]? = { json in
            guard let packages = json["packages"]?.arrayValue else { return nil }
            return [packages, json["packages-dev"]?.arrayValue ?? []]
        }
        if let version = try version(in: lock, packageLists: lockLists, warnings: &warnings) {
            return (version, .composerLock(lock))
        }
        let installed = root + "/vendor/composer/installed.json"
        let installedLists: (JSONValue) -> [[JSONValue]]? = { json in
            if case .array(let packages) = json { return [packages] }  // Composer 1
            return json["packages"]?.arrayValue.map { [$0] }            // Composer 2
        }
        if let version = try version(in: installed, packageLists: installedLists, warnings: &warnings) {
            return (version, .installedJSON(installed))
        }
        return nil
    }

    /// `laravel/framework`'s release in one file, or nil (with a warning when the file exists but is unusable).
    static func version(in path: String, packageLists: (JSONValue) -> [[JSONValue]]?,
                        warnings: inout [String]) throws(ConfigurationError) -> LaravelVersion? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        func skip(_ problem: String) -> LaravelVersion? {
            warnings.append("\(path) \(problem): not used to find the Laravel version")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else { return skip("cannot be read") }
        let json: JSONValue
        do {
            json = try JSONParser.parse([UInt8](data))
        } catch let error as JSONParser.Error {
            return skip("is not valid JSON (byte \(error.offset): \(error.message))")
        } catch {
            return skip("is not valid JSON")
        }
        guard let lists = packageLists(json) else { return skip("has no list of packages") }
        for package in lists.joined() where package["name"]?.stringValue?.lowercased() == frameworkPackage {
            let pretty = package["version"]?.stringValue
            guard let version = pretty.flatMap(release) ?? package["version_normalized"]?.stringValue.flatMap(release) else {
                return skip("names \(frameworkPackage) \(ConfigurationError.quoted(pretty ?? "without a version")), which is not a release")
            }
            guard LaravelVersion.supported.contains(version.major) else {
                throw ConfigurationError(
                    "\(path) names \(frameworkPackage) \(pretty ?? version.description): Laravel \(version.major) is not supported (\(LaravelVersion.supported.lowerBound) – \(LaravelVersion.supported.upperBound)); set \(LaravelVersion.variable) to behave as a supported version")
            }
            return version
        }
        return nil
    }

    /// A Composer version as a release: `v8.83.27`, `8.83.27.0` (normalized), `13.0.0-beta1` (its numbers);
    /// a branch alias `12.x-dev` as its major's captured release. Nil for `dev-master` and the like.
    static func release(_ text: String) -> LaravelVersion? {
        var body = text.trimmingSpaces()
        if body.first == "v" || body.first == "V" { body = body.dropFirst() }
        if body.hasSuffix(".x-dev"), let major = Int(body.dropLast(".x-dev".count)) {
            return LaravelVersion.latestCaptured(major: major) ?? LaravelVersion(major)
        }
        let numbers = body.prefix { $0 != "-" && $0 != "+" }.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(numbers.count) else { return nil }
        let parts = numbers.map { Int($0) }
        guard parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        let p = parts.map { $0! }
        return LaravelVersion(p[0], p.count > 1 ? p[1] : 0, p.count > 2 ? p[2] : 0)
    }
}
