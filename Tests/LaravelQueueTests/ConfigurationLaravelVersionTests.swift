import Foundation
@testable import LaravelQueue
@testable import PHPFormats
import TestSupport
import XCTest

/// The app's Laravel version found beside its `.env`: the variable wins, then `composer.lock`, then
/// `vendor/composer/installed.json` (both Composer shapes), else 12 with one warning. Unusable files are
/// passed over with a warning, never a crash.
final class ConfigurationLaravelVersionTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = try TestEnvironment.temporaryDirectory("shuttle-version").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A composer.lock as Composer writes it, with the framework among other packages.
    private func lock(framework version: String, key: String = "packages") -> String {
        #"""
        {
            "_readme": ["This file locks the dependencies of your project to a known state"],
            "content-hash": "0e6d5f0f6c0d4ad4b0f5a0e6",
            "\#(key)": [
                {"name": "brick/math", "version": "0.11.0", "source": {"type": "git"}},
                {"name": "laravel/framework", "version": "\#(version)",
                 "source": {"type": "git", "url": "https://github.com/laravel/framework.git"}},
                {"name": "laravel/horizon", "version": "v5.21.4"}
            ],
            "\#(key == "packages" ? "packages-dev" : "packages")": [{"name": "phpunit/phpunit", "version": "9.6.13"}],
            "minimum-stability": "stable"
        }
        """#
    }

    private func resolve(_ variables: [String: String] = [:], overrides: [String: String] = [:], appRoot: String? = nil) throws -> QueueConfiguration {
        try QueueConfiguration.resolve(LaravelEnvironment(process: variables, overrides: overrides), appRoot: appRoot ?? root)
    }

    // MARK: - Where it comes from

    func testComposerLockGivesTheVersion() throws {
        try write("composer.lock", lock(framework: "v8.83.27"))
        let config = try resolve()
        XCTAssertEqual(config.version, LaravelVersion(8, 83, 27))
        XCTAssertEqual(config.versionSource, .composerLock(root + "/composer.lock"))
        XCTAssertEqual(config.warnings, [])
        // Laravel 8's skeleton follows: CACHE_DRIVER, the `file` store by default, `:` after the cache prefix.
        XCTAssertEqual(config.cache.store, "file")
        XCTAssertEqual(try resolve(["CACHE_DRIVER": "redis"]).cache.redisKey("illuminate:queue:restart"),
                       "laravel_database_laravel_cache:illuminate:queue:restart")
    }

    func testComposerLockDevPackagesAndTrailingSlash() throws {
        try write("composer.lock", lock(framework: "v10.48.2", key: "packages-dev"))
        let config = try resolve(appRoot: root + "/")
        XCTAssertEqual(config.version, LaravelVersion(10, 48, 2))
        XCTAssertEqual(config.versionSource, .composerLock(root + "/composer.lock"))
    }

    func testInstalledJSONComposer2Shape() throws {
        try write("vendor/composer/installed.json", #"""
            {"packages": [{"name": "laravel/framework", "version": "v11.45.1", "version_normalized": "11.45.1.0"}],
             "dev": true, "dev-package-names": []}
            """#)
        let config = try resolve()
        XCTAssertEqual(config.version, LaravelVersion(11, 45, 1))
        XCTAssertEqual(config.versionSource, .installedJSON(root + "/vendor/composer/installed.json"))
        XCTAssertEqual(config.warnings, [])
    }

    func testInstalledJSONComposer1Shape() throws {
        try write("vendor/composer/installed.json", #"""
            [{"name": "doctrine/inflector", "version": "2.0.4"},
             {"name": "laravel/framework", "version": "v9.52.16", "version_normalized": "9.52.16.0"}]
            """#)
        let config = try resolve()
        XCTAssertEqual(config.version, LaravelVersion(9, 52, 16))
        XCTAssertEqual(config.versionSource, .installedJSON(root + "/vendor/composer/installed.json"))
    }

    func testComposerLockComesBeforeInstalledJSON() throws {
        try write("composer.lock", lock(framework: "v8.83.26"))
        try write("vendor/composer/installed.json", #"{"packages": [{"name": "laravel/framework", "version": "v12.40.0"}]}"#)
        XCTAssertEqual(try resolve().version, LaravelVersion(8, 83, 26))
    }

    func testTheVariableOverridesAndSaysWhereItWasSet() throws {
        try write("composer.lock", lock(framework: "v8.83.27"))
        let process = try resolve(["SHUTTLE_LARAVEL_VERSION": "12.67"])
        XCTAssertEqual(process.version, LaravelVersion(12, 67, 0))
        XCTAssertEqual(process.versionSource, .override(variable: "SHUTTLE_LARAVEL_VERSION", origin: "from the process environment"))
        XCTAssertEqual(process.warnings, [])
        // --laravel sets the variable as an override.
        let flag = try resolve(["SHUTTLE_LARAVEL_VERSION": "12"], overrides: ["SHUTTLE_LARAVEL_VERSION": "10"])
        XCTAssertEqual(flag.version.major, 10)
        XCTAssertEqual(flag.versionSource, .override(variable: "SHUTTLE_LARAVEL_VERSION", origin: "from the command line"))
        // From the .env file.
        try write(".env", "SHUTTLE_LARAVEL_VERSION=9\n")
        let env = try LaravelEnvironment.load(envFile: root + "/.env", process: [:])
        let fromFile = try QueueConfiguration.resolve(env, appRoot: root)
        XCTAssertEqual(fromFile.version.major, 9)
        XCTAssertEqual(fromFile.versionSource, .override(variable: "SHUTTLE_LARAVEL_VERSION", origin: "from \(root)/.env"))
        // An empty value is no value: the lock decides.
        XCTAssertEqual(try resolve(["SHUTTLE_LARAVEL_VERSION": ""]).versionSource, .composerLock(root + "/composer.lock"))
    }

    func testNothingFoundAssumes12WithOneWarning() throws {
        // A lock without the framework (not a Laravel app, or the wrong directory) says nothing.
        try write("composer.lock", #"{"packages": [{"name": "symfony/console", "version": "v6.4.0"}]}"#)
        let config = try resolve()
        XCTAssertEqual(config.version, .default)
        XCTAssertEqual(config.version.major, 12)
        XCTAssertEqual(config.versionSource, .assumed)
        XCTAssertEqual(config.warnings, [
            "Laravel version unknown (SHUTTLE_LARAVEL_VERSION is not set and neither \(root)/composer.lock nor \(root)/vendor/composer/installed.json names laravel/framework): assuming Laravel 12; set SHUTTLE_LARAVEL_VERSION (or --laravel) to the app's version, e.g. 10 or 11.45",
        ])
        let noRoot = try QueueConfiguration.resolve(LaravelEnvironment(process: [:]), appRoot: nil)
        XCTAssertEqual(noRoot.versionSource, .assumed)
        XCTAssertEqual(noRoot.warnings.count, 1)
        XCTAssertTrue(noRoot.warnings[0].contains("no app directory"), noRoot.warnings[0])
    }

    // MARK: - Unusable files: a warning, then the next source

    func testMalformedComposerLockFallsThroughToInstalledJSON() throws {
        try write("composer.lock", String(lock(framework: "v8.83.27").prefix(120)))
        try write("vendor/composer/installed.json", #"{"packages": [{"name": "laravel/framework", "version": "v8.83.27"}]}"#)
        let config = try resolve()
        XCTAssertEqual(config.versionSource, .installedJSON(root + "/vendor/composer/installed.json"))
        XCTAssertEqual(config.version, LaravelVersion(8, 83, 27))
        XCTAssertEqual(config.warnings.count, 1, "\(config.warnings)")
        XCTAssertTrue(config.warnings[0].hasPrefix("\(root)/composer.lock is not valid JSON (byte "), config.warnings[0])
        XCTAssertTrue(config.warnings[0].hasSuffix(": not used to find the Laravel version"), config.warnings[0])
    }

    func testEveryKindOfUnusableFileIsPassedOver() throws {
        let cases: [(lock: String, problem: String)] = [
            ("", "is not valid JSON"),
            ("\u{FF}\u{FE}", "is not valid JSON"),
            (#"["laravel/framework"]"#, "has no list of packages"),
            (#"{"packages": {"laravel/framework": "v8.83.27"}}"#, "has no list of packages"),
            (#"{"packages": [{"name": "laravel/framework"}]}"#, #"names laravel/framework "without a version", which is not a release"#),
            (#"{"packages": [{"name": "laravel/framework", "version": "dev-master"}]}"#, #"names laravel/framework "dev-master", which is not a release"#),
            (#"{"packages": [{"name": "laravel/framework", "version": 8}]}"#, #"names laravel/framework "without a version", which is not a release"#),
        ]
        for (text, problem) in cases {
            try write("composer.lock", text)
            let config = try resolve()
            XCTAssertEqual(config.versionSource, .assumed, text)
            XCTAssertEqual(config.warnings.count, 2, "\(text): \(config.warnings)")
            XCTAssertTrue(config.warnings.first?.hasPrefix("\(root)/composer.lock \(problem)") == true, "\(text): \(config.warnings)")
            XCTAssertTrue(config.warnings.last?.hasPrefix("Laravel version unknown") == true, text)
        }
    }

    func testAnUnreadableLockIsPassedOver() throws {
        try FileManager.default.createDirectory(atPath: root + "/composer.lock", withIntermediateDirectories: true)
        let config = try resolve()
        XCTAssertEqual(config.versionSource, .assumed)
        XCTAssertEqual(config.warnings.first, "\(root)/composer.lock cannot be read: not used to find the Laravel version")
    }

    func testUnsupportedReleaseIsAnErrorNamingTheFile() throws {
        try write("composer.lock", lock(framework: "v7.30.6"))
        XCTAssertThrowsError(try resolve()) { error in
            XCTAssertEqual("\(error)", "\(root)/composer.lock names laravel/framework v7.30.6: Laravel 7 is not supported (8 – 13); set SHUTTLE_LARAVEL_VERSION to behave as a supported version")
        }
        XCTAssertEqual(try resolve(["SHUTTLE_LARAVEL_VERSION": "8"]).version.major, 8, "the variable still overrides")
    }

    // MARK: - Composer's version strings

    func testComposerVersionStrings() {
        let cases: [(String, LaravelVersion?)] = [
            ("v8.83.27", LaravelVersion(8, 83, 27)), ("8.83.27", LaravelVersion(8, 83, 27)),
            ("8.83.27.0", LaravelVersion(8, 83, 27)), (" v12.40.2 ", LaravelVersion(12, 40, 2)),
            ("v13.0.0-beta.1", LaravelVersion(13, 0, 0)), ("V11.2", LaravelVersion(11, 2, 0)),
            ("12.x-dev", LaravelVersion.v12), ("dev-master", nil), ("dev-12.x", nil), ("", nil), ("v", nil),
            ("8.83.x", nil), ("1.2.3.4.5", nil), ("-1.0", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(ComposerInstalledVersions.release(text), expected, text)
        }
    }
}
