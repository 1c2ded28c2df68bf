import DurableIO
import Foundation
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// One change an admin command makes to the spool, described before it is made (`--dry-run` prints the
/// descriptions and makes none). Each is atomic on its own: a file is written in full under a temporary name and
/// renamed over the old one; a folder is made complete under a hidden name and renamed into place.
public enum AdminChange: Sendable {
    /// Writes (or replaces) a file.
    case write(path: String, bytes: [UInt8], mode: UInt32, what: String)
    /// Makes a folder (and the folders above it).
    case makeDirectory(path: String, mode: UInt32)
    /// Renames `from` to `to`, which must not exist.
    case rename(from: String, to: String, what: String)
    /// Runs work of its own (a copy with progress, …), described by `what`.
    case run(what: String, work: @Sendable () throws -> Void)

    /// What the change does, with spool-relative paths.
    public func description(in spool: SpoolLayout) -> String {
        switch self {
        case .write(let path, _, _, let what):
            let verb = FileManager.default.fileExists(atPath: path) ? "replace" : "write"
            return "\(verb) \(spool.relative(path)) (\(what))"
        case .makeDirectory(let path, _): return "make folder \(spool.relative(path))/"
        case .rename(let from, let to, let what):
            return "rename \(spool.relative(from)) → \(spool.relative(to)) (\(what))"
        case .run(let what, _): return what
        }
    }

    /// Makes the change, durably.
    func apply() throws {
        switch self {
        case .write(let path, let bytes, let mode, _):
            let folder = (path as NSString).deletingLastPathComponent
            if !FileManager.default.fileExists(atPath: folder) { try Durable.makeDirectories(folder) }
            try Durable.writeFile(at: path, bytes: bytes, mode: mode_t(mode), replace: true)
        case .makeDirectory(let path, let mode):
            if !FileManager.default.fileExists(atPath: path) { try Durable.makeDirectories(path, mode: mode_t(mode)) }
        case .rename(let from, let to, _):
            try FileSystem.renameNoReplace(RawPath(from), RawPath(to))
            try Durable.syncAll([(to as NSString).deletingLastPathComponent])
        case .run(_, let work): try work()
        }
    }
}
