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
