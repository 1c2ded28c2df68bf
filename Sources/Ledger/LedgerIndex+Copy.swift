import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension LedgerIndex {
    /// A private copy of the index at `path`, made at `copy` through SQLite's online backup, for work that must
    /// not change the office's own file (`--dry-run`): the original is opened strictly read-only (as `inspect`
    /// does), so neither it nor its `-wal`/`-shm` change. The copy may then be caught up with the journal.
    public static func privateCopy(of path: String, at copy: String) throws -> LedgerIndex {
        if access(path, F_OK) == 0 {
            try readOnly(path: path, busyTimeout: 30).backup(to: try DatabaseQueue(path: copy))
        }
        return try LedgerIndex(path: copy)
    }
}

/// A consistent copy of a live SQLite database (the index, the accounts), through SQLite's online backup API from
/// an ordinary read-only connection: writers may go on meanwhile; the copy is the database at one moment.
public enum SQLiteSnapshot {
    /// Copies `path` into a new database at `copy`; returns its user_version-free schema's last migration (GRDB's).
    @discardableResult
    public static func copy(from path: String, to copy: String) throws -> String? {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let source = try DatabaseQueue(path: path, configuration: configuration)
        try source.backup(to: try DatabaseQueue(path: copy))
        return try source.read { db in
            guard try db.tableExists("grdb_migrations") else { return nil }
            return try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1")
        }
    }
}
