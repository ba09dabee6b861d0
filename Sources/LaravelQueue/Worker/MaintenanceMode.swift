#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// Laravel's file-based maintenance mode (`php artisan down` writes `storage/framework/down`): workers on
/// the same host stop taking jobs while it is there, unless started with `--force`, as `queue:work` does.
public struct MaintenanceMode: Sendable {
    /// `storage_path('framework/down')`.
    public let downFile: String

    public init(storagePath: String) {
        downFile = (storagePath.hasSuffix("/") ? storagePath : storagePath + "/") + "framework/down"
    }

    public var isDown: Bool { FileManager.default.fileExists(atPath: downFile) }
}
