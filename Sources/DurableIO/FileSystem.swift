import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// System calls on raw paths, each turned into a thrown `FileError`.
public enum FileSystem {
    /// `rename(2)`: atomic on one file system; replaces an existing file (not a non-empty directory).
    public static func rename(_ source: RawPath, _ destination: RawPath) throws {
        let result = source.withCString { from in destination.withCString { to in Glibc.rename(from, to) } }
        guard result == 0 else { throw FileError("rename", path: "\(source) -> \(destination)") }
    }

    /// Renames without ever replacing: fails with EEXIST when `destination` exists.
    public static func renameNoReplace(_ source: RawPath, _ destination: RawPath) throws {
        let result = source.withCString { from in destination.withCString { to in CLinux_rename_noreplace(from, to) } }
        if result == 0 { return }
        if errno == EINVAL || errno == ENOSYS {
            // Some network file systems lack RENAME_NOREPLACE; link + unlink is equally exclusive for files.
            let linked = source.withCString { from in destination.withCString { to in link(from, to) } }
            guard linked == 0 else { throw FileError("link", path: "\(destination)") }
            _ = source.withCString { unlink($0) }
            return
        }
        throw FileError("rename", path: "\(source) -> \(destination)")
    }

    /// `lstat(2)`: facts about the entry itself, a link not followed. Nil when it does not exist.
    public static func status(_ path: RawPath) -> stat? {
        var info = stat()
        // fstatat, as the directory reader uses: one system call for every look at a file, so two looks always
        // agree on its times (an interposed libc — libfaketime in the date tests — may treat lstat and fstatat apart).
        let result = path.withCString { fstatat(AT_FDCWD, $0, &info, AT_SYMLINK_NOFOLLOW) }
        return result == 0 ? info : nil
    }

    /// Whether something (anything, even a dangling link) is at `path`.
    public static func exists(_ path: RawPath) -> Bool { status(path) != nil }

    /// `mkdir(2)`; an existing directory is fine.
    public static func makeDirectory(_ path: RawPath, mode: mode_t = 0o755) throws {
        let result = path.withCString { mkdir($0, mode) }
        guard result == 0 || errno == EEXIST else { throw FileError("mkdir", path: "\(path)") }
    }

    /// Removes a file, or a directory tree (links inside are removed, never followed).
    public static func removeTree(_ path: RawPath) throws {
        guard let info = status(path) else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            // By raw path: a folder whose name is not UTF-8 must be emptied too, not looked for under a repaired name.
            for entry in try Directory.entries(path) {
                try removeTree(path.appending(entry.name))
            }
            guard path.withCString({ rmdir($0) }) == 0 || errno == ENOENT else {
                throw FileError("rmdir", path: "\(path)")
            }
        } else {
            guard path.withCString({ unlink($0) }) == 0 || errno == ENOENT else {
                throw FileError("unlink", path: "\(path)")
            }
        }
    }

    /// Copies a regular file's content with `copy_file_range(2)` (kernel-side; a reflink or a server-side copy
    /// where the file system can), falling back to read/write. The copy is not synced.
    public static func copyFile(from source: RawPath, to destination: RawPath, mode: mode_t = 0o644) throws {
        let input = try source.withCString { path -> FileDescriptor in
            let raw = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard raw >= 0 else { throw FileError("open", path: "\(source)") }
            return FileDescriptor(raw: raw, path: "\(source)")
        }
        let output = try destination.withCString { path -> FileDescriptor in
            let raw = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard raw >= 0 else { throw FileError("create", path: "\(destination)") }
            return FileDescriptor(raw: raw, path: "\(destination)")
        }
        var remaining = Int(try input.status().st_size)
        while remaining > 0 {
            let copied = CLinux_copy_file_range(input.raw, output.raw, remaining)
            if copied > 0 {
                remaining -= copied
                continue
            }
            if copied == 0 { break }  // the source shrank
            if errno == EINTR { continue }
            if [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) {
                try copyByReading(input, output)
                break
            }
            throw FileError("copy_file_range", path: "\(destination)")
        }
        try output.close()
    }

    private static func copyByReading(_ input: FileDescriptor, _ output: FileDescriptor) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try input.read(into: buffer)
            if count == 0 { return }
            try output.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// The magic number of the file system holding `path` (`statfs(2)` f_type).
    public static func fileSystemType(of path: String) -> Int? {
        var info = statfs()
        guard statfs(path, &info) == 0 else { return nil }
        return Int(info.f_type)
    }

    /// Whether `path` is on a network or user-space file system, where inotify sees no changes made by other
    /// machines: NFS, SMB/CIFS, FUSE (sshfs, gvfs …), AFS, Ceph, 9p, Lustre, GlusterFS.
    public static func isNetworkFileSystem(_ path: String) -> Bool {
        guard let type = fileSystemType(of: path) else { return false }
        let network: Set<Int> = [
            0x6969,  // NFS
            0xFF53_4D42,  // CIFS
            0xFE53_4D42,  // SMB2
            0x517B,  // SMB
            0x6573_5546,  // FUSE
            0x5346_414F,  // AFS
            0x00C3_6400,  // Ceph
            0x0102_1997,  // 9p (v9fs)
            0x0BD0_0BD0,  // Lustre
        ]
        return network.contains(type)
    }
}
