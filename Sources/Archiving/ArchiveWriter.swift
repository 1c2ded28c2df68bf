import CArchive
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a tar or zip archive to a file descriptor with libarchive, one entry at a time, streaming.
///
/// The writer owns its `struct archive`; it frees it in `deinit`. The file descriptor stays the caller's:
/// the caller fsyncs and closes it after `finish()`.
public final class ArchiveWriter {
    private let archive: OpaquePointer
    private let sink: OutputSink
    private var finished = false

    /// Starts an archive of `format` on an open, writable file descriptor. `observer`, when given, sees every
    /// byte written to the descriptor, in order (to hash the archive file without reading it back).
    public init(
        fileDescriptor: Int32, format: ArchiveFormat,
        observer: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws {
        ArchiveLocale.ensureUTF8()
        sink = OutputSink(fileDescriptor: fileDescriptor, observer: observer)
        archive = try libarchiveNonNull(archive_write_new(), "archive_write_new")
        // Once `archive` is set, deinit frees it, also when init throws below.
        switch format {
        case .tar:
            try check(archive_write_set_format_pax_restricted(archive), "archive_write_set_format_pax_restricted")
        case .zip:
            try check(archive_write_set_format_zip(archive), "archive_write_set_format_zip")
            try check(archive_write_zip_set_compression_store(archive), "archive_write_zip_set_compression_store")
        }
        // Names are handed over as UTF-8 whatever the process locale, and marked as such in the archive.
        try check(archive_write_set_options(archive, "hdrcharset=UTF-8"), "archive_write_set_options")
        // Large blocks mean few write(2) calls; the last block is not padded to the block size.
        try check(archive_write_set_bytes_per_block(archive, 64 * 1024), "archive_write_set_bytes_per_block")
        try check(archive_write_set_bytes_in_last_block(archive, 1), "archive_write_set_bytes_in_last_block")
        try check(
            archive_write_open(archive, Unmanaged.passUnretained(sink).toOpaque(), nil, outputCallback, nil),
            "archive_write_open")
    }

    deinit {
        // A writer dropped without finish() leaves an incomplete archive; its caller discards the file.
        archive_write_free(archive)
    }

    /// Adds a directory entry.
    public func addDirectory(_ path: String, modified: Date) throws {
        let entry = try Entry(
            path: path.hasSuffix("/") ? path : path + "/", type: CArchive_AE_IFDIR(), permissions: 0o755, size: 0,
            modified: modified)
        try check(archive_write_header(archive, entry.pointer), "archive_write_header(\(path))")
    }

    /// Adds a regular file of exactly `size` bytes; `body` is called once and must hand every byte to `write`.
    public func addFile(
        _ path: String, size: Int64, modified: Date,
        body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let entry = try Entry(path: path, type: CArchive_AE_IFREG(), permissions: 0o644, size: size, modified: modified)
        try check(archive_write_header(archive, entry.pointer), "archive_write_header(\(path))")
        var written: Int64 = 0
        try body { chunk in
            guard chunk.count > 0 else { return }
            guard written + Int64(chunk.count) <= size else {
                throw ArchiveError.sizeMismatch(path: path, expected: size, actual: written + Int64(chunk.count))
            }
            let result = archive_write_data(archive, chunk.baseAddress, chunk.count)
            guard result == chunk.count else {
                throw ArchiveError.library(
                    operation: "archive_write_data(\(path))", code: Int32(truncatingIfNeeded: result),
                    message: errorMessage)
            }
            written += Int64(chunk.count)
        }
        guard written == size else { throw ArchiveError.sizeMismatch(path: path, expected: size, actual: written) }
        try check(archive_write_finish_entry(archive), "archive_write_finish_entry(\(path))")
    }

    /// Adds a regular file held in memory.
    public func addFile(_ path: String, contents: [UInt8], modified: Date) throws {
        try addFile(path, size: Int64(contents.count), modified: modified) { write in
            try contents.withUnsafeBytes { try write($0) }
        }
    }

    /// Writes the archive's trailer and flushes libarchive's buffers to the file descriptor.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try check(archive_write_close(archive), "archive_write_close")
    }

    /// Bytes written to the file descriptor so far.
    public var bytesWritten: Int64 { archive_filter_bytes(archive, -1) }

    private var errorMessage: String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
    }

    private func check(_ code: Int32, _ operation: String) throws {
        if code != ARCHIVE_OK, sink.errorNumber != 0 {
            throw ArchiveError.library(
                operation: operation, code: code, message: String(cString: strerror(sink.errorNumber)))
        }
        // ARCHIVE_WARN is refused too: a warning while writing means the archive may not say what we meant.
        guard code == ARCHIVE_OK else {
            throw ArchiveError.library(operation: operation, code: code, message: errorMessage)
        }
    }
}

/// Where libarchive's output goes: the caller's descriptor, and the observer.
private final class OutputSink {
    let fileDescriptor: Int32
    let observer: ((UnsafeRawBufferPointer) -> Void)?
    var errorNumber: Int32 = 0

    init(fileDescriptor: Int32, observer: ((UnsafeRawBufferPointer) -> Void)?) {
        self.fileDescriptor = fileDescriptor
        self.observer = observer
    }
}

/// libarchive's write callback: every byte to the descriptor (retrying short writes and EINTR), then the observer.
private let outputCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int = {
    _, context, buffer, length in
    guard let context, let buffer else { return -1 }
    let sink = Unmanaged<OutputSink>.fromOpaque(context).takeUnretainedValue()
    var offset = 0
    while offset < length {
        let written = write(sink.fileDescriptor, buffer + offset, length - offset)
        if written < 0 {
            if errno == EINTR { continue }
            sink.errorNumber = errno
            return -1
        }
        offset += written
    }
    sink.observer?(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

/// An owned `struct archive_entry`.
private final class Entry {
    let pointer: OpaquePointer

    init(path: String, type: UInt32, permissions: UInt32, size: Int64, modified: Date) throws {
        pointer = try libarchiveNonNull(archive_entry_new(), "archive_entry_new")
        archive_entry_set_pathname_utf8(pointer, path)
        archive_entry_set_filetype(pointer, type)
        archive_entry_set_perm(pointer, mode_t(permissions))
        archive_entry_set_size(pointer, size)
        let seconds = modified.timeIntervalSince1970.rounded(.down)
        archive_entry_set_mtime(pointer, time_t(seconds), Int((modified.timeIntervalSince1970 - seconds) * 1e9))
        archive_entry_set_uid(pointer, 0)
        archive_entry_set_gid(pointer, 0)
    }

    deinit { archive_entry_free(pointer) }
}

func libarchiveNonNull(_ pointer: OpaquePointer?, _ operation: String) throws -> OpaquePointer {
    guard let pointer else {
        throw ArchiveError.library(operation: operation, code: ARCHIVE_FATAL, message: "out of memory")
    }
    return pointer
}
