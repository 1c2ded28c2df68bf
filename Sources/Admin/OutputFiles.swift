import DurableIO
import Foundation
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// What the commands that write a package of files elsewhere (a hand-over bag, a backup) share: the folder they
/// write into, copying while hashing, syncing the folders, sizes as people read them.
enum OutputFiles {
    /// `path` made absolute and standardised, when it is a folder that can be written; else a refusal naming it as `shown` (the
    /// Vietnamese words before it are `what`).
    static func writableFolder(_ path: String, shown: String, what: String = "thư mục") throws -> String {
        // Absolute: the journal names where the package went, whatever folder the command ran in.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let folder = (absolute as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
            access(folder, W_OK) == 0
        else {
            throw AdminRefusal(
                vi: "\(what) \(shown) không có hoặc không ghi được.",
                en: "\(shown) is not a folder that can be written.")
        }
        return folder
    }

    /// Copies a file into a new one (`mode`), hashing what it writes; not synced.
    static func copy(_ source: String, to target: String, mode: mode_t) throws -> (sha256: String, size: Int64) {
        let input = try FileDescriptor.openRegularFileForReading(source)
        let output = try FileDescriptor.open(target, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        let copied = try FileDigest.copy(input, to: output)
        try output.close()
        return copied
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Syncs `root` and every folder below it (the files are synced apart).
    static func syncFolders(_ root: String) throws {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var folders = [root]
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                folders.append(root + "/" + relative)
            }
        }
        for folder in folders { try Durable.syncDirectory(folder) }
    }

    static func sizeText(_ bytes: Int64) -> String {
        if bytes >= 1 << 30 { return String(format: "%.2f GB", Double(bytes) / Double(1 << 30)) }
        if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return String(format: "%.1f KB", Double(bytes) / Double(1 << 10)) }
        return "\(bytes) byte"
    }

    /// Removes `path` (file or folder) if present, read-only folders included.
    static func removeTree(_ path: String) throws {
        guard access(path, F_OK) == 0 || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
        else { return }
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            _ = chmod(path, 0o700)
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                if lstat(path + "/" + relative, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                    _ = chmod(path + "/" + relative, 0o700)
                }
            }
        }
        try FileManager.default.removeItem(atPath: path)
    }
}
