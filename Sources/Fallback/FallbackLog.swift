import DurableIO
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The paper fallback log's file: `fallback-log.jsonl` in the fallback folder, one JSON record per line, only ever
/// appended to, each append fsync'd before it returns. Writers (the daemon, `lienthong fallback handover`, a
/// second daemon) take `.fallback-log.lock` first, read what others appended, decide, and append.
public final class FallbackLog: @unchecked Sendable {
    // Sendable: immutable paths; the file itself is guarded by the lock file.
    /// The fallback folder.
    public let directory: String
    public var path: String { directory + "/" + Self.fileName }
    private var lockPath: String { directory + "/.fallback-log.lock" }

    public static let fileName = "fallback-log.jsonl"

    public init(directory: String) {
        self.directory = directory
    }

    /// Under the lock: `body` gets the records appended since `offset` (by anyone) and returns the records to
    /// append; returns the new offset, just past everything read and written.
    @discardableResult
    public func update(from offset: Int64, _ body: ([FallbackRecord]) throws -> [FallbackRecord]) throws -> Int64 {
        try ensureDirectory()
        let lock = try FileLock.acquire(lockPath)
        defer { withExtendedLifetime(lock) {} }
        let existed = FileSystem.exists(RawPath(path))
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode: 0o644)
        defer { try? file.close() }
        let complete = try Self.endOfLastLine(file)
        if complete < Int64(try file.status().st_size) {
            // A torn last line left by a crash mid-append: cut it off so the next record starts on a line of its own.
            guard ftruncate(file.raw, off_t(complete)) == 0 else { throw FileError("ftruncate", path: path) }
        }
        let (records, end) = try Self.read(file, from: min(offset, complete))
        let fresh = try body(records)
        guard !fresh.isEmpty else { return end }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for record in fresh {
            bytes += Array(try encoder.encode(record)) + [0x0A]
        }
        try file.write(bytes)
        try file.sync()
        if !existed { try Durable.syncDirectory(directory) }
        return end + Int64(bytes.count)
    }

    /// The offset just past the file's last newline (0 when it has none).
    private static func endOfLastLine(_ file: FileDescriptor) throws -> Int64 {
        var position = Int64(try file.status().st_size)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while position > 0 {
            let length = Int(min(Int64(chunk.count), position))
            let start = position - Int64(length)
            let count = chunk.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress!, length, off_t(start)) }
            guard count == length else { throw FileError("pread", path: file.path) }
            if let last = chunk[0..<length].lastIndex(of: 0x0A) { return start + Int64(last) + 1 }
            position = start
        }
        return 0
    }

    /// Appends records (under the lock, fsync'd).
    public func append(_ records: [FallbackRecord]) throws {
        _ = try update(from: Int64.max) { _ in records }
    }

    /// The log's size in bytes (0 when absent): a cheap way to see whether anyone appended.
    public func size() -> Int64 {
        FileSystem.status(RawPath(path)).map { Int64($0.st_size) } ?? 0
    }

    /// Every complete record in the log (a torn last line is left out); an absent log has none.
    public func readAll() throws -> [FallbackRecord] {
        guard FileSystem.exists(RawPath(path)) else { return [] }
        let file = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC)
        defer { try? file.close() }
        return try Self.read(file, from: 0).0
    }

    /// The records after `offset` and the offset just past the last complete line.
    private static func read(_ file: FileDescriptor, from offset: Int64) throws -> ([FallbackRecord], Int64) {
        let size = Int64(try file.status().st_size)
        guard offset < size else { return ([], min(offset, size)) }
        var bytes = [UInt8](repeating: 0, count: Int(size - offset))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(file.raw, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError("pread", path: file.path)
            }
            if count == 0 { break }
            filled += count
        }
        let decoder = JSONDecoder()
        var records: [FallbackRecord] = []
        var start = 0
        var end = offset
        for index in 0..<filled where bytes[index] == 0x0A {
            let line = bytes[start..<index]
            start = index + 1
            end = offset + Int64(start)
            // A line that cannot be read (edited by hand) is skipped, not fatal: the rest of the log still counts.
            if !line.isEmpty, let record = try? decoder.decode(FallbackRecord.self, from: Data(line)) {
                records.append(record)
            }
        }
        return (records, end)
    }

    private func ensureDirectory() throws {
        if !FileSystem.exists(RawPath(directory)) { try Durable.makeDirectories(directory) }
    }
}
