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
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(30)
            let location: String
            if access(path + "-wal", F_OK) == 0 {
                location = path
            } else {
                let escaped = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3F")
                    .replacingOccurrences(of: "#", with: "%23")
                location = "file:" + escaped + "?immutable=1"
            }
            let source = try DatabaseQueue(path: location, configuration: configuration)
            let target = try DatabaseQueue(path: copy)
            try source.backup(to: target)
        }
        return try LedgerIndex(path: copy)
    }
}
