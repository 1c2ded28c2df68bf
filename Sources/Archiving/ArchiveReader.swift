import CArchive
import Foundation

/// Reads a tar or zip archive from a file descriptor with libarchive, entry by entry, streaming.
///
/// Only the tar family and zip are recognised, and no compression filter: a packet is exactly one of the two.
/// The reader owns its `struct archive` and frees it in `deinit`; the file descriptor stays the caller's.
public final class ArchiveReader {
    private let archive: OpaquePointer
    private var current: OpaquePointer?

    /// Opens an archive on a readable file descriptor.
    public init(fileDescriptor: Int32, blockSize: Int = 1 << 20) throws {
        ArchiveLocale.ensureUTF8()
        archive = try libarchiveNonNull(archive_read_new(), "archive_read_new")
        // Once `archive` is set, deinit frees it, also when init throws below.
        try check(archive_read_support_format_tar(archive), "archive_read_support_format_tar")
        try check(archive_read_support_format_zip(archive), "archive_read_support_format_zip")
        // Paths are taken as UTF-8 bytes whatever the process locale.
        try check(archive_read_set_options(archive, "hdrcharset=UTF-8"), "archive_read_set_options")
        try check(archive_read_open_fd(archive, fileDescriptor, blockSize), "archive_read_open_fd")
    }

    deinit { archive_read_free(archive) }

    /// The next entry's header, or nil after the last one.
    public func next() throws -> ArchiveEntry? {
        var entry: OpaquePointer?
        let code = archive_read_next_header(archive, &entry)
        if code == ARCHIVE_EOF { return nil }
        guard code == ARCHIVE_OK, let entry else { throw readError(code, "archive_read_next_header") }
        current = entry

        let rawPath: [UInt8]
        if let utf8 = archive_entry_pathname_utf8(entry) {
            rawPath = Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(utf8).assumingMemoryBound(to: UInt8.self), count: strlen(utf8)))
        } else if let bytes = archive_entry_pathname(entry) {
            rawPath = Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: strlen(bytes)))
        } else {
            rawPath = []
        }
        let kind: ArchiveEntryKind
        if let target = archive_entry_hardlink(entry) {
            kind = .hardLink(target: String(cString: target))
        } else {
            let type = UInt32(archive_entry_filetype(entry)) & CArchive_AE_IFMT()
            switch type {
            case CArchive_AE_IFREG(): kind = .regularFile
            case CArchive_AE_IFDIR(): kind = .directory
            case CArchive_AE_IFLNK():
                kind = .symbolicLink(target: archive_entry_symlink(entry).map { String(cString: $0) } ?? "")
            default: kind = .special(mode: type)
            }
        }
        let size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        return ArchiveEntry(rawPath: rawPath, kind: kind, size: size)
    }

    /// Reads the current entry's data into `buffer`; returns the number of bytes, 0 at the end of the entry.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
        guard count >= 0 else { throw readError(Int32(truncatingIfNeeded: count), "archive_read_data") }
        return count
    }

    /// Skips the rest of the current entry's data.
    public func skip() throws {
        let code = archive_read_data_skip(archive)
        guard code == ARCHIVE_OK else { throw readError(code, "archive_read_data_skip") }
    }

    private func check(_ code: Int32, _ operation: String) throws {
        guard code == ARCHIVE_OK else { throw readError(code, operation) }
    }

    private func readError(_ code: Int32, _ operation: String) -> ArchiveError {
        guard let text = archive_error_string(archive) else {
            // libarchive fails without a message when the file ends inside an entry's extended (pax) header: a tar
            // cut short there, now that the documents' headers come after the tag files (bsdtar prints "(null)").
            if operation == "archive_read_next_header" { return .truncated("the file ends inside an entry's header") }
            return .library(operation: operation, code: code, message: "unknown error")
        }
        let message = String(cString: text)
        let lower = message.lowercased()
        if lower.contains("unrecognized archive format") {
            return .notAnArchive(message)
        }
        if lower.contains("truncated") || lower.contains("premature end") || lower.contains("unexpected end") {
            return .truncated(message)
        }
        return .library(operation: operation, code: code, message: message)
    }
}
