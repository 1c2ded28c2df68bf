import Foundation

/// An entry that passed the safety rules: a regular file or a folder, at a relative path without `..`.
public struct SafeEntry: Sendable, Equatable {
    /// The path's components, each normalised to Unicode NFC.
    public let components: [String]
    /// True for a folder, false for a regular file.
    public let isDirectory: Bool
    /// The size the header announces (0 for folders).
    public let size: Int64

    /// The components joined with `/`.
    public var path: String { components.joined(separator: "/") }
}

/// Reads an archive while refusing every entry that is not a plain file or folder at a safe relative path:
/// absolute paths, `..`, links, devices, FIFOs, duplicates (after NFC and case folding, as a Windows share
/// would see them), names Windows cannot hold, and more entries or bytes than the limits allow.
public final class SafeArchiveReader {
    private let reader: ArchiveReader
    private let limits: ArchiveLimits
    private var seen: Set<String> = []
    private var entryCount = 0
    private var dataBytes: Int64 = 0
    private var remainingInEntry: Int64 = 0

    /// Opens an archive on a readable file descriptor.
    public init(fileDescriptor: Int32, limits: ArchiveLimits = .packet) throws {
        reader = try ArchiveReader(fileDescriptor: fileDescriptor)
        self.limits = limits
    }

    /// The next safe entry, or nil at the end; throws `UnsafeEntry` at the first unsafe one.
    public func next() throws -> SafeEntry? {
        guard let entry = try reader.next() else { return nil }
        entryCount += 1
        guard entryCount <= limits.maxEntries else { throw UnsafeEntry.tooManyEntries(limit: limits.maxEntries) }
        let shown = entry.displayPath
        guard entry.rawPath.count <= limits.maxPathBytes else {
            throw UnsafeEntry.pathTooLong(String(shown.prefix(200)) + "…", bytes: entry.rawPath.count)
        }
        guard let path = entry.path else { throw UnsafeEntry.badName(shown, .notUTF8) }
        if path.hasPrefix("/") || path.hasPrefix("\\") || (path.count >= 2 && path.dropFirst().first == ":") {
            throw UnsafeEntry.absolutePath(shown)
        }
        switch entry.kind {
        case .regularFile, .directory: break
        case .symbolicLink(let target), .hardLink(let target): throw UnsafeEntry.link(shown, target: target)
        case .special: throw UnsafeEntry.specialFile(shown, kind: entry.kind.description)
        }

        var components: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            let name = String(part).precomposedStringWithCanonicalMapping
            if name == "." { continue }
            if name == ".." { throw UnsafeEntry.parentReference(shown) }
            if let problem = PortableName.problem(with: name) { throw UnsafeEntry.badName(shown, problem) }
            components.append(name)
        }
        guard !components.isEmpty else { throw UnsafeEntry.badName(shown, .empty) }

        let key = components.joined(separator: "/").lowercased()
        guard seen.insert(key).inserted else { throw UnsafeEntry.duplicate(shown) }

        let isDirectory = entry.kind == .directory
        let size = isDirectory ? 0 : max(entry.size ?? 0, 0)
        dataBytes += size
        guard dataBytes <= limits.maxTotalBytes else { throw UnsafeEntry.tooManyBytes(limit: limits.maxTotalBytes) }
        remainingInEntry = size
        return SafeEntry(components: components, isDirectory: isDirectory, size: size)
    }

    /// Reads the current file's data into `buffer`; 0 at its end. Data beyond the announced size is refused.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try reader.read(into: buffer)
        remainingInEntry -= Int64(count)
        guard remainingInEntry >= 0 else { throw UnsafeEntry.tooManyBytes(limit: limits.maxTotalBytes) }
        return count
    }

    /// Skips the rest of the current entry.
    public func skip() throws { try reader.skip() }
}
