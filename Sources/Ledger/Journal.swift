#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Packets
import Signing

/// Why the journal's hash chain does not hold.
public struct JournalChainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first record that does not follow from the one before.
    public let sequence: Int64
    /// Its line number in the file.
    public let line: Int
    public let reason: String

    public var description: String { "journal line \(line) (record \(sequence)): \(reason)" }
}

/// The office's append-only journal: one JSON record per line, each carrying the SHA-256 of the line before, so
/// that removing, reordering or editing any record breaks the chain from that point on.
///
/// Appends take an exclusive lock (two daemons may share a spool), write a whole batch of records at once and
/// fsync before returning: a record the caller saw appended is on disk. A crash can at most leave a partial last
/// line, which was never acknowledged; it is cut off when the journal is next opened.
public final class Journal: @unchecked Sendable {
    // Sendable: the only state is the path; every append works under the file lock, opening its own descriptor.

    /// The journal file.
    public let path: String
    private let lockPath: String
    private let timeZone: TimeZone
    private let clock: @Sendable () -> Date

    /// Opens (or creates) the journal at `path`, cutting off a torn last line left by a crash unless `repairing`
    /// is false (to inspect it as it is).
    public init(path: String, timeZone: TimeZone = Timestamp.vietnam, clock: @escaping @Sendable () -> Date = { Date() },
                repairing: Bool = true) throws {
        self.path = path
        self.lockPath = path + ".lock"
        self.timeZone = timeZone
        self.clock = clock
        guard repairing else { return }
        let lock = try FileLock.acquire(lockPath)
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_APPEND, mode: 0o600)
        try Self.repairTornTail(file)
        withExtendedLifetime(lock) {}
    }

    /// Appends `events` in order as one durable batch; returns the records written.
    @discardableResult
    public func append(_ events: [JournalEvent]) throws -> [JournalRecord] {
        try append { events }
    }

    /// Appends the events `compute` returns, computed while the journal is locked: nothing else is appended
    /// between what `compute` reads (the index, caught up inside it) and what it writes. Numbers handed out this
    /// way (arrival numbers) have neither gaps nor repeats, whatever process appends and whenever one crashes.
    @discardableResult
    public func append(computing compute: () throws -> [JournalEvent]) throws -> [JournalRecord] {
        let lock = try FileLock.acquire(lockPath)
        defer { withExtendedLifetime(lock) {} }
        let events = try compute()
        guard !events.isEmpty else { return [] }
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_APPEND, mode: 0o600)
        let last = try Self.lastRecord(file)
        var previous = last?.hash ?? JournalRecord.genesis
        var sequence = last?.sequence ?? 0
        let at = Timestamp.string(clock(), in: timeZone)
        var records: [JournalRecord] = []
        var bytes: [UInt8] = []
        for event in events {
            sequence += 1
            let record = JournalRecord.make(sequence: sequence, at: at, event: event, previous: previous)
            previous = record.hash
            records.append(record)
            bytes += record.line + [UInt8(ascii: "\n")]
        }
        try file.write(bytes)
        try file.sync()
        JournalMetrics.appended(records)
        return records
    }

    /// Appends one event.
    @discardableResult
    public func append(_ event: JournalEvent) throws -> JournalRecord { try append([event])[0] }

    /// Every record, in order (streaming the file).
    public func records() throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        try forEachRecord { records.append($0) }
        return records
    }

    /// Calls `body` for each complete record in order.
    public func forEachRecord(_ body: (JournalRecord) throws -> Void) throws {
        _ = try forEachRecord(from: 0) { record, _ in try body(record) }
    }

    /// Calls `body` for each complete record starting at byte `offset` (a record boundary), with the offset just
    /// after it; returns the offset after the last complete record. The journal only ever grows, so an offset
    /// stays valid: the index resumes from where it stopped instead of rereading everything.
    @discardableResult
    public func forEachRecord(from offset: Int64, _ body: (JournalRecord, Int64) throws -> Void) throws -> Int64 {
        try forEachLine(from: offset) { line, end in
            guard let record = JournalRecord.parse(line) else { return }
            try body(record, end)
        }.end
    }

    /// The last complete record, read from the end of the file without taking the lock or changing anything
    /// (nil for an empty journal). Throws when the last line is not a record.
    public func lastRecord() throws -> JournalRecord? {
        try Self.lastRecord(try FileDescriptor.open(path, O_RDONLY))
    }

    /// Checks the whole hash chain; returns the number of records.
    @discardableResult
    public func verifyChain() throws -> Int {
        var previous = JournalRecord.genesis
        var expected: Int64 = 1
        var lineNumber = 0
        let (_, partial) = try forEachLine(from: 0) { line, _ in
            lineNumber += 1
            guard let record = JournalRecord.parse(line) else {
                throw JournalChainError(sequence: expected, line: lineNumber, reason: "not a journal record")
            }
            guard record.sequence == expected else {
                throw JournalChainError(sequence: record.sequence, line: lineNumber, reason: "expected record \(expected)")
            }
            guard record.previous == previous else {
                throw JournalChainError(sequence: record.sequence, line: lineNumber,
                                        reason: "its prev \(record.previous.prefix(12))… is not the SHA-256 of the line before")
            }
            previous = record.hash
            expected += 1
        }
        guard !partial else {
            throw JournalChainError(sequence: expected, line: lineNumber + 1, reason: "a partial last line")
        }
        return lineNumber
    }

    /// Reads the file from `offset` line by line (without the newline); returns the offset after the last complete
    /// line, and whether bytes without a final newline follow it.
    private func forEachLine(from offset: Int64, _ body: ([UInt8], Int64) throws -> Void) throws -> (end: Int64, partial: Bool) {
        let file = try FileDescriptor.open(path, O_RDONLY)
        guard lseek(file.raw, off_t(offset), SEEK_SET) >= 0 else { throw FileError("lseek", path: path) }
        var position = offset
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { break }
            pending += chunk.prefix(count)
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[start..<newline])
                position += Int64(newline - start + 1)
                start = newline + 1
                try body(line, position)
            }
            pending.removeFirst(start)
        }
        return (position, !pending.isEmpty)
    }

    /// The last complete record, read from the end of the file.
    static func lastRecord(_ file: FileDescriptor) throws -> JournalRecord? {
        let size = Int64(try file.status().st_size)
        guard size > 0 else { return nil }
        var window: Int64 = 1 << 16
        while true {
            let start = max(0, size - window)
            var bytes = [UInt8](repeating: 0, count: Int(size - start))
            let count = bytes.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, $0.count, off_t(start)) }
            guard count == bytes.count else { throw FileError("pread", path: file.path) }
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            var line: [UInt8]?
            if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                line = Array(bytes[(newline + 1)...])
            } else if start == 0 {
                line = bytes
            }
            if let line {
                // Appending after an unreadable record would silently restart the chain: refuse instead.
                guard let record = JournalRecord.parse(line) else {
                    throw JournalChainError(sequence: -1, line: -1, reason: "the last record of \(file.path) is unreadable")
                }
                return record
            }
            window *= 4
        }
    }

    /// Cuts off bytes after the last newline: a record whose write a crash interrupted, never acknowledged.
    static func repairTornTail(_ file: FileDescriptor) throws {
        let size = Int64(try file.status().st_size)
        guard size > 0 else { return }
        var last: UInt8 = 0
        guard pread(file.raw, &last, 1, off_t(size - 1)) == 1 else { throw FileError("pread", path: file.path) }
        guard last != UInt8(ascii: "\n") else { return }
        var keep = size - 1
        var byte: UInt8 = 0
        while keep > 0 {
            guard pread(file.raw, &byte, 1, off_t(keep - 1)) == 1 else { throw FileError("pread", path: file.path) }
            if byte == UInt8(ascii: "\n") { break }
            keep -= 1
        }
        guard ftruncate(file.raw, off_t(keep)) == 0 else { throw FileError("ftruncate", path: file.path) }
        try file.sync()
    }
}
