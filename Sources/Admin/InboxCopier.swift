import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// Copies a folder tree to another place and proves the copy by SHA-256, for `inbox move`: by raw names (a clerk's
/// file whose name is not UTF-8 is copied as it is), modes and modification times kept, every file and folder synced
/// before the copy is called complete. Copying again after a crash copies only what is missing or differs; nothing
/// at the source is ever changed, except by `removeCopied`, which removes only what the copy holds.
final class InboxCopier: @unchecked Sendable {  // used by one thread at a time
    let source: RawPath
    let target: RawPath
    /// Relative paths (raw) never copied: work the daemon redoes itself (`.lienthong/staging`).
    let skipped: Set<[UInt8]>
    let say: @Sendable (String) -> Void

    /// What the copy found and did.
    struct Tally {
        var files = 0
        var bytes: Int64 = 0
        var copied = 0
        var copiedBytes: Int64 = 0
        var links = 0
        /// Entries that are neither files, folders nor links (a FIFO, a socket): left where they are.
        var others: [String] = []
    }

    private struct Item {
        let relative: [UInt8]
        let info: stat
        var isDirectory: Bool { info.st_mode & S_IFMT == S_IFDIR }
        var isFile: Bool { info.st_mode & S_IFMT == S_IFREG }
        var isLink: Bool { info.st_mode & S_IFMT == S_IFLNK }
    }

    /// SHA-256 of source files as read while copying, by relative path, with the size and time they had.
    private var digests: [[UInt8]: (digest: String, size: Int64, modified: Int64)] = [:]
    private var lastProgress = ContinuousClock.now

    init(from source: String, to target: String, skipping skipped: [String], say: @escaping @Sendable (String) -> Void)
    {
        self.source = RawPath(source)
        self.target = RawPath(target)
        self.skipped = Set(skipped.map { Array($0.utf8) })
        self.say = say
    }

    /// Counts what is at the source (for the plan and the free-space check).
    func survey() throws -> Tally {
        var tally = Tally()
        for item in try walk(source) {
            if item.isFile {
                tally.files += 1
                tally.bytes += Int64(item.info.st_size)
            } else if item.isLink {
                tally.links += 1
            } else if !item.isDirectory {
                tally.others.append(RawName(item.relative).description)
            }
        }
        return tally
    }

    /// Copies every file, folder and link missing or different at the target, then syncs them all.
    func copy() throws -> Tally {
        let items = try walk(source)
        var tally = Tally()
        let total = items.filter(\.isFile).count
        let totalBytes = items.filter(\.isFile).reduce(Int64(0)) { $0 + Int64($1.info.st_size) }
        var touchedFolders: Set<[UInt8]> = [[]]
        try makeFolder([], mode: try rootMode())
        for item in items {
            let to = path(target, item.relative)
            if item.isDirectory {
                try makeFolder(item.relative, mode: item.info.st_mode & 0o7777)
                touchedFolders.insert(item.relative)
            } else if item.isLink {
                tally.links += 1
                if FileSystem.status(to) == nil {
                    try copyLink(item.relative)
                    touchedFolders.insert(parent(item.relative))
                }
            } else if item.isFile {
                tally.files += 1
                tally.bytes += Int64(item.info.st_size)
                if let there = FileSystem.status(to), there.st_size == item.info.st_size,
                    modified(there) == modified(item.info)
                {
                    continue  // copied before (a resumed move); the verification hashes both
                }
                try copyFile(item)
                tally.copied += 1
                tally.copiedBytes += Int64(item.info.st_size)
                touchedFolders.insert(parent(item.relative))
                progress("đã chép — copied", tally.files, total, tally.bytes, totalBytes)
            } else {
                tally.others.append(RawName(item.relative).description)
            }
        }
        // Folders last: their times are set after what was put into them, and each is synced once.
        for item in items.reversed() where item.isDirectory { setTimes(path(target, item.relative), item.info) }
        for folder in touchedFolders { try syncFolder(path(target, folder)) }
        if let above = target.string.map({ ($0 as NSString).deletingLastPathComponent }) {
            try Durable.syncAll([above])
        }
        say("  đã chép — copied \(tally.copied) of \(tally.files) files (\(Self.mebibytes(tally.copiedBytes)) MiB)")
        return tally
    }

    /// Proves every file at the source is at the target with the same SHA-256: what differs (or came in meanwhile)
    /// is copied again and proved again; what still differs after that throws.
    func verify() throws -> Tally {
        let items = try walk(source).filter(\.isFile)
        var tally = Tally()
        let totalBytes = items.reduce(Int64(0)) { $0 + Int64($1.info.st_size) }
        for item in items {
            tally.files += 1
            tally.bytes += Int64(item.info.st_size)
            let expected = try sourceDigest(item)
            let to = path(target, item.relative)
            if FileSystem.status(to) != nil, try Self.sha256(to) == expected { continue }
            try copyFile(item)
            try syncFolder(path(target, parent(item.relative)))
            tally.copied += 1
            guard try Self.sha256(to) == expected else {
                throw AdminRefusal(
                    vi: "bản chép của \(RawName(item.relative)) khác bản gốc sau hai lần chép.",
                    en: "the copy of \(RawName(item.relative)) differs from the original after two copies.",
                    advice: "Kiểm tra ổ đích — check the target disk; the old place stays in service.")
            }
            progress("đã kiểm tra — verified", tally.files, items.count, tally.bytes, totalBytes)
        }
        say("  đã kiểm tra — verified \(tally.files) files by SHA-256 (\(tally.copied) copied again)")
        return tally
    }

    /// What differs between the source and the target, read only: relative paths of files missing at the target or
    /// with another SHA-256 (a single file compares with a single file).
    func differences() throws -> [String] {
        guard let info = FileSystem.status(source), info.st_mode & S_IFMT == S_IFDIR else {
            guard FileSystem.exists(target) else { return ["."] }
            return try Self.sha256(source) == Self.sha256(target) ? [] : ["."]
        }
        var found: [String] = []
        for item in try walk(source) where item.isFile {
            let there = path(target, item.relative)
            guard FileSystem.status(there) != nil, try Self.sha256(there) == sourceDigest(item) else {
                found.append(RawName(item.relative).description)
                continue
            }
        }
        return found
    }

    /// Removes from the source what the target holds (same kind, same size); what it does not hold stays, and is
    /// returned. Folders left empty are removed; the source folder itself stays.
    func removeCopied() throws -> [String] {
        var kept: [String] = []
        for item in try walk(source).reversed() {
            let from = path(source, item.relative)
            let there = FileSystem.status(path(target, item.relative))
            if item.isDirectory {
                if from.withCString({ rmdir($0) }) != 0, errno != ENOTEMPTY, errno != EEXIST, errno != ENOENT {
                    kept.append(RawName(item.relative).description + "/")
                }
                continue
            }
            guard let there, there.st_mode & S_IFMT == item.info.st_mode & S_IFMT,
                !item.isFile || there.st_size == item.info.st_size
            else {
                kept.append(RawName(item.relative).description)
                continue
            }
            try FileSystem.removeTree(from)
        }
        for skip in skipped { try? FileSystem.removeTree(path(source, skip)) }
        _ = path(source, Array(".lienthong".utf8)).withCString { rmdir($0) }
        try syncFolder(source)
        return kept
    }

    // MARK: - The parts

    private func walk(_ root: RawPath) throws -> [Item] {
        var items: [Item] = []
        func visit(_ relative: [UInt8]) throws {
            for entry in try Directory.entries(path(root, relative)) {
                let child = relative.isEmpty ? entry.name.bytes : relative + [UInt8(ascii: "/")] + entry.name.bytes
                if skipped.contains(child) { continue }
                guard let info = FileSystem.status(path(root, child)) else { continue }  // gone meanwhile
                let item = Item(relative: child, info: info)
                items.append(item)
                if item.isDirectory { try visit(child) }
            }
        }
        try visit([])
        return items
    }

    private func path(_ root: RawPath, _ relative: [UInt8]) -> RawPath {
        relative.isEmpty ? root : RawPath(root.bytes + [UInt8(ascii: "/")] + relative)
    }

    private func parent(_ relative: [UInt8]) -> [UInt8] {
        guard let slash = relative.lastIndex(of: UInt8(ascii: "/")) else { return [] }
        return Array(relative[..<slash])
    }

    private func rootMode() throws -> mode_t {
        guard let info = FileSystem.status(source) else { throw FileError("stat", path: "\(source)", code: ENOENT) }
        return info.st_mode & 0o7777
    }

    private func makeFolder(_ relative: [UInt8], mode: mode_t) throws {
        let folder = path(target, relative)
        try FileSystem.makeDirectory(folder, mode: mode)
        _ = folder.withCString { chmod($0, mode) }
    }

    private func copyLink(_ relative: [UInt8]) throws {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = path(source, relative).withCString { readlink($0, &buffer, buffer.count - 1) }
        guard length >= 0 else { throw FileError("readlink", path: "\(path(source, relative))") }
        let made = path(target, relative).withCString { symlink(buffer, $0) }
        guard made == 0 || errno == EEXIST else { throw FileError("symlink", path: "\(path(target, relative))") }
    }

    /// Copies one file, reading the source once: its SHA-256 is taken on the way. Synced; times and mode kept.
    private func copyFile(_ item: Item) throws {
        let from = path(source, item.relative)
        let to = path(target, item.relative)
        let input = try open(from, O_RDONLY | O_NOFOLLOW)
        let info = try input.status()
        try FileSystem.removeTree(to)
        let output = try open(to, O_WRONLY | O_CREAT | O_EXCL, mode: info.st_mode & 0o7777)
        input.adviseSequential()
        let copied = try FileDigest.copy(input, to: output)
        var times = [info.st_atim, info.st_mtim]
        _ = futimens(output.raw, &times)
        _ = fchmod(output.raw, info.st_mode & 0o7777)
        try output.sync()
        try output.close()
        digests[item.relative] = (copied.sha256, copied.size, modified(info))
    }

    /// The source file's SHA-256: the one taken while copying when the file has not changed since, else read now.
    private func sourceDigest(_ item: Item) throws -> String {
        if let known = digests[item.relative], known.size == Int64(item.info.st_size),
            known.modified == modified(item.info)
        {
            return known.digest
        }
        return try Self.sha256(path(source, item.relative))
    }

    static func sha256(_ path: RawPath) throws -> String {
        let file = try path.withCString { raw -> FileDescriptor in
            let descriptor = Glibc.open(raw, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileError("open", path: "\(path)") }
            return FileDescriptor(raw: descriptor, path: "\(path)")
        }
        file.adviseSequential()
        let hasher = SHA256Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try file.read(into: buffer)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return hasher.finalize().hexString
    }

    private func open(_ path: RawPath, _ flags: Int32, mode: mode_t = 0o644) throws -> FileDescriptor {
        try path.withCString { raw -> FileDescriptor in
            let descriptor = Glibc.open(raw, flags | O_CLOEXEC, mode)
            guard descriptor >= 0 else { throw FileError("open", path: "\(path)") }
            return FileDescriptor(raw: descriptor, path: "\(path)")
        }
    }

    private func syncFolder(_ folder: RawPath) throws {
        let descriptor = try open(folder, O_RDONLY | O_DIRECTORY)
        try descriptor.sync()
    }

    private func setTimes(_ folder: RawPath, _ info: stat) {
        var times = [info.st_atim, info.st_mtim]
        _ = folder.withCString { utimensat(AT_FDCWD, $0, &times, AT_SYMLINK_NOFOLLOW) }
    }

    private func modified(_ info: stat) -> Int64 {
        Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    private func progress(_ what: String, _ done: Int, _ total: Int, _ bytes: Int64, _ totalBytes: Int64) {
        guard ContinuousClock.now - lastProgress >= .seconds(2) else { return }
        lastProgress = ContinuousClock.now
        say("  \(what) \(done)/\(total) files, \(Self.mebibytes(bytes))/\(Self.mebibytes(totalBytes)) MiB")
    }

    static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
