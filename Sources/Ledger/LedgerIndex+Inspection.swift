import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension LedgerIndex {
    /// What the index holds, read without changing anything (for `lienthong doctor`).
    public struct Inspection: Sendable, Equatable {
        /// The last journal sequence the index has applied.
        public let lastSequence: Int64
        public let packets: Int
        public let deliveries: Int
        public let rejections: Int
    }

    /// Reads the index at `path` strictly read-only: no schema migration, no lock file, no journal mode switch.
    ///
    /// SQLite leaves `-wal` and `-shm` files behind when a read-only connection opens a WAL database whose files
    /// are absent (a cleanly closed index). When there is no `-wal`, every committed page is in the main file and
    /// nobody is writing, so it is opened `immutable` (nothing created); otherwise the office has it open and the
    /// existing `-wal`/`-shm` are shared as usual.
    public static func inspect(path: String) throws -> Inspection {
        let queue = try readOnly(path: path, busyTimeout: 5)
        return try queue.read { db in
            Inspection(
                lastSequence: try Int64.fetchOne(db, sql: "SELECT lastSequence FROM journalState") ?? 0,
                packets: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packet") ?? 0,
                deliveries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0,
                rejections: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rejection") ?? 0)
        }
    }

    /// A strictly read-only connection to the index at `path` (see `inspect`): `immutable` when there is no `-wal`.
    static func readOnly(path: String, busyTimeout: TimeInterval) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        let location: String
        if access(path + "-wal", F_OK) == 0 {
            location = path
        } else {
            // SQLite URI: only `%`, `?` and `#` need escaping in the path part.
            let escaped = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3F")
                .replacingOccurrences(of: "#", with: "%23")
            location = "file:" + escaped + "?immutable=1"
        }
        return try DatabaseQueue(path: location, configuration: configuration)
    }
}
