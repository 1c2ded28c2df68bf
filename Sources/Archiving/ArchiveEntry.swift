/// What an archive entry is.
public enum ArchiveEntryKind: Sendable, Equatable, CustomStringConvertible {
    case regularFile
    case directory
    /// A symbolic link, with its target.
    case symbolicLink(target: String)
    /// A hard link to an earlier entry, with its target.
    case hardLink(target: String)
    /// Anything else: a device, a FIFO, a socket; `mode` is the raw file type bits.
    case special(mode: UInt32)

    public var description: String {
        switch self {
        case .regularFile: "regular file"
        case .directory: "directory"
        case .symbolicLink(let target): "symbolic link to \(target)"
        case .hardLink(let target): "hard link to \(target)"
        case .special(let mode):
            switch mode {
            case 0o020000: "character device"
            case 0o060000: "block device"
            case 0o010000: "FIFO"
            case 0o140000: "socket"
            default: "special file (mode \(String(mode, radix: 8)))"
            }
        }
    }
}

/// One entry's header, as read from an archive.
public struct ArchiveEntry: Sendable, Equatable {
    /// The path as raw bytes, exactly as stored.
    public let rawPath: [UInt8]
    /// The kind of entry.
    public let kind: ArchiveEntryKind
    /// The size the header announces, when it announces one.
    public let size: Int64?

    /// The path decoded as UTF-8, or nil when the bytes are not valid UTF-8.
    public var path: String? { String(validating: rawPath, as: UTF8.self) }

    /// The path for messages: UTF-8 where valid, with invalid bytes shown as `\xNN`.
    public var displayPath: String {
        if let path { return path }
        return rawPath.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }
            .joined()
    }
}
