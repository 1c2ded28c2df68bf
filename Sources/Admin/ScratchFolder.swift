import DurableIO
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Temporary folders an admin command works in without touching the spool (a dry run's copy of the index), removed
/// when the process exits.
enum ScratchFolder {
    private static let made = Mutex<[String]>([])

    /// A new folder under the system's temporary directory.
    static func make() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/lienthong-dry-run-XXXXXX".utf8CString)
        guard let folder = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FileError("mkdtemp", path: base)
        }
        let path = String(cString: folder)
        let first = made.withLock { list in
            list.append(path)
            return list.count == 1
        }
        if first { atexit { ScratchFolder.removeAll() } }
        return path
    }

    static func removeAll() {
        for path in made.withLock({ list in
            defer { list.removeAll() }
            return list
        }) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
