#if canImport(Glibc)
import Glibc
#endif

/// A name read from a directory as raw bytes: Linux names need not be UTF-8, and such a file must still be
/// found, moved and reported, never skipped.
public struct RawName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name's bytes, without a terminating NUL.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ string: String) { bytes = Array(string.utf8) }

    /// The name as text, when it is valid UTF-8.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// The name for messages: UTF-8 where valid, invalid bytes as `\xNN`.
    public var description: String {
        if let string { return string }
        return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }
            .joined()
    }

    /// Whether the name starts with a dot (hidden, and also LienThong's own working folders).
    public var isHidden: Bool { bytes.first == UInt8(ascii: ".") }

    public static func < (lhs: RawName, rhs: RawName) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Calls `body` with the name as a C string.
    public func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}

/// What kind of file a directory entry is, from `lstat` (a link is a link, never what it points to).
public enum EntryKind: Sendable, Equatable {
    case file
    case directory
    case symbolicLink
    case fifo
    case device
    case socket
    case other
}

/// One directory entry, with the facts the watcher needs (from `fstatat` without following links).
public struct DirectoryEntry: Sendable, Equatable {
    public let name: RawName
    public let kind: EntryKind
    public let size: Int64
    /// Modification time, in nanoseconds since 1970.
    public let modified: Int64
    public let device: UInt64
    public let inode: UInt64
}

/// Reads directories by raw name with one descriptor per directory and `*at` calls, so names are never decoded.
public enum Directory {
    /// The entries of `path` (without `.` and `..`), sorted by name. A directory that vanished reads as empty.
    public static func entries(_ path: String) throws -> [DirectoryEntry] {
        try entries(RawPath(path))
    }

    /// The entries of a directory whose own path need not be UTF-8 (one found inside another by raw name).
    public static func entries(_ path: RawPath) throws -> [DirectoryEntry] {
        let descriptor = path.withCString { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            if errno == ENOENT { return [] }
            throw FileError("opendir", path: "\(path)")
        }
        guard let stream = fdopendir(descriptor) else {
            Glibc.close(descriptor)
            throw FileError("fdopendir", path: "\(path)")
        }
        defer { closedir(stream) }
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw FileError("readdir", path: "\(path)") }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            let raw = RawName(name)
            var info = stat()
            let found = raw.withCString { fstatat(descriptor, $0, &info, AT_SYMLINK_NOFOLLOW) }
            guard found == 0 else { continue }  // removed between readdir and stat
            entries.append(
                DirectoryEntry(
                    name: raw, kind: kind(of: info.st_mode), size: Int64(info.st_size),
                    modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                    device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The kind of file `mode` describes.
    public static func kind(of mode: mode_t) -> EntryKind {
        switch mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        case S_IFIFO: .fifo
        case S_IFCHR, S_IFBLK: .device
        case S_IFSOCK: .socket
        default: .other
        }
    }

    /// `path` joined with a raw name, as bytes suitable for system calls.
    public static func join(_ path: String, _ name: RawName) -> RawPath {
        RawPath(Array(path.utf8) + [UInt8(ascii: "/")] + name.bytes)
    }
}

/// A path that may contain bytes that are not UTF-8.
public struct RawPath: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ string: String) { bytes = Array(string.utf8) }

    public var description: String { RawName(bytes).description }

    /// The path as text, when it is valid UTF-8.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// Appends a component.
    public func appending(_ name: RawName) -> RawPath { RawPath(bytes + [UInt8(ascii: "/")] + name.bytes) }

    /// Appends a UTF-8 component.
    public func appending(_ name: String) -> RawPath { appending(RawName(name)) }

    /// Calls `body` with the path as a C string.
    public func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try RawName(bytes).withCString(body)
    }
}
