import DurableIO
import Foundation

/// What the daemon's scheduled backups last did, in `state/backup-status.json` (rewritten after each run): read by
/// `lienthong doctor` and shown to admins. Times are seconds since 1970.
public struct BackupStatus: Sendable, Equatable, Codable {
    /// When the last run started, and whether it completed.
    public var lastAttempt: Double?
    public var lastSuccess: Double?
    /// The folder the last completed backup is in.
    public var lastFolder: String?
    /// Why the last run failed (nil after a success).
    public var lastError: String?
    /// Runs that failed one after the other since the last success.
    public var failures: Int = 0
    /// When the next run is due.
    public var nextAttempt: Double?

    public init() {}

    public static func path(_ spool: SpoolLayout) -> String { spool.state + "/backup-status.json" }

    /// The status on disk; empty when there is none (no scheduled backup ran yet) or it cannot be read.
    public static func read(_ spool: SpoolLayout) -> BackupStatus {
        guard let bytes = try? Durable.readSmallFile(path(spool), limit: 1 << 20),
            let status = try? JSONDecoder().decode(BackupStatus.self, from: Data(bytes))
        else { return BackupStatus() }
        return status
    }

    /// Writes the status (replacing the old one in one rename).
    public func write(_ spool: SpoolLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Durable.writeFile(at: Self.path(spool), bytes: Array(try encoder.encode(self)), mode: 0o600, replace: true)
    }
}
