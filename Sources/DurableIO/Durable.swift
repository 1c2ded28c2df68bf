import CLinux
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Durable file system steps: write in a staging name, fsync, rename into place, fsync the directory.
public enum Durable {
    /// Flushes a directory's entries (a rename or a new file inside it) to stable storage.
    public static func syncDirectory(_ path: String) throws {
        let descriptor = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY)
        try descriptor.sync()
    }

    /// Renames `source` to `destination` (same file system), refusing to replace an existing destination.
    public static func renameNoReplace(_ source: String, _ destination: String) throws {
        guard CLinux_rename_noreplace(source, destination) == 0 else {
            // Some network file systems do not implement RENAME_NOREPLACE; fall back to link + unlink,
            // which is equally exclusive.
            if errno == EINVAL || errno == ENOSYS {
                guard link(source, destination) == 0 else { throw FileError("link", path: destination) }
                guard unlink(source) == 0 else { throw FileError("unlink", path: source) }
                return
            }
            throw FileError("rename", path: "\(source) -> \(destination)")
        }
    }

    /// Creates `path` and any missing parents with `mode`, then syncs each directory it created into its parent.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
        var missing: [String] = []
        var current = (path as NSString).standardizingPath
        while !current.isEmpty, current != "/", access(current, F_OK) != 0 {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for directory in missing.reversed() {
            if mkdir(directory, mode) != 0, errno != EEXIST { throw FileError("mkdir", path: directory) }
            try syncDirectory(
                (directory as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (directory as NSString).deletingLastPathComponent)
        }
    }

    /// Writes a file atomically and durably: readers see either nothing or all of it.
    ///
    /// - Parameters:
    ///   - path: where the file must end up.
    ///   - replace: whether an existing file at `path` may be replaced; when false an existing file is an error.
    ///   - body: writes the content to the staging descriptor it is given.
    public static func writeFile(
        at path: String, mode: mode_t = 0o644, replace: Bool = false,
        _ body: (FileDescriptor) throws -> Void
    ) throws {
        let directory =
            (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        // A short staging name: the final name may already use all of the 255 bytes a name can have.
        let staging = (directory as NSString).appendingPathComponent(
            ".lienthong-\(UInt64.random(in: 0...UInt64.max)).part")
        let descriptor = try FileDescriptor.open(staging, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        do {
            try body(descriptor)
            try descriptor.sync()
            try descriptor.close()
            if replace {
                guard rename(staging, path) == 0 else { throw FileError("rename", path: "\(staging) -> \(path)") }
            } else {
                try renameNoReplace(staging, path)
            }
            try syncDirectory(directory)
        } catch {
            unlink(staging)
            throw error
        }
    }

    /// Writes `bytes` to `path` atomically and durably.
    public static func writeFile(at path: String, bytes: [UInt8], mode: mode_t = 0o644, replace: Bool = false) throws {
        try writeFile(at: path, mode: mode, replace: replace) { try $0.write(bytes) }
    }

    /// Reads a small regular file whole, refusing links, FIFOs, devices and anything over `limit` bytes.
    public static func readSmallFile(_ path: String, limit: Int) throws -> [UInt8] {
        let descriptor = try FileDescriptor.openRegularFileForReading(path)
        guard Int(try descriptor.status().st_size) <= limit else {
            throw FileError("read (file larger than \(limit) bytes)", path: path, code: EFBIG)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
            if count == 0 { return bytes }
            bytes += chunk.prefix(count)
            // The file may grow while it is read; the limit holds for what was actually read.
            guard bytes.count <= limit else {
                throw FileError("read (file larger than \(limit) bytes)", path: path, code: EFBIG)
            }
        }
    }
}

extension Durable {
    /// Writes `bytes` to a new file at `path` without syncing: for files made in a batch that is synced at once
    /// (with `syncAll`) before anything refers to them.
    public static func writeUnsynced(at path: String, bytes: [UInt8], mode: mode_t = 0o644) throws {
        let descriptor = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        try descriptor.write(bytes)
        try descriptor.close()
    }
}

extension Durable {
    /// fsyncs every path (files or folders) in a batch, several at a time: each call flushes only its own file,
    /// unlike `syncfs`, so a busy neighbour on the same disk does not make the office wait for its data, and the
    /// file system can still fold the concurrent calls into few journal commits.
    public static func syncAll(_ paths: [String], concurrency: Int = 64) throws {
        let unique = Array(Set(paths))
        guard !unique.isEmpty else { return }
        if unique.count == 1 {
            try FileDescriptor.open(unique[0], O_RDONLY).sync()
            return
        }
        let work = SyncBatch(paths: unique)
        let workers = min(concurrency, unique.count)
        let done = DispatchGroup()
        for _ in 0..<workers {
            done.enter()
            let thread = Thread {
                work.drain()
                done.leave()
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        done.wait()
        if let error = work.firstError { throw error }
    }
}

/// The shared state of one `syncAll`: the next path to take, and the first failure.
private final class SyncBatch: @unchecked Sendable {
    // Sendable: `next` and `firstError` are only touched under `lock`; `paths` never changes.
    let paths: [String]
    private let lock = NSLock()
    private var next = 0
    private(set) var firstError: Error?

    init(paths: [String]) { self.paths = paths }

    func drain() {
        while true {
            lock.lock()
            let index = next
            next += 1
            lock.unlock()
            guard index < paths.count else { return }
            do {
                try FileDescriptor.open(paths[index], O_RDONLY).sync()
            } catch {
                lock.lock()
                if firstError == nil { firstError = error }
                lock.unlock()
            }
        }
    }
}
