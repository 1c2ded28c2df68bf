import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// Why the journal's hash chain does not hold.
public struct JournalChainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first record that does not follow from the one before.
    public let sequence: Int64
    /// Its line number in its file (0: the file as a whole).
    public let line: Int
    /// The sealed segment it is in (nil: the active journal file).
    public let file: String?
    public let reason: String

    public init(sequence: Int64, line: Int, file: String? = nil, reason: String) {
        self.sequence = sequence
        self.line = line
        self.file = file
        self.reason = reason
    }

    public var description: String {
        let place = file.map { " of \(($0 as NSString).lastPathComponent)" } ?? ""
        return line == 0
            ? "journal segment\(place) (from record \(sequence)): \(reason)"
            : "journal line \(line)\(place) (record \(sequence)): \(reason)"
    }
}

/// The journal is damaged in a way that is not a torn tail (more than its last line is unreadable): nothing may be
/// appended after it, since that would build on a chain that does not hold. Only a restore from a backup mends it.
public struct JournalDamagedError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// The 1-based line that cannot be read, counted from the end (1: the last line).
    public let lineFromEnd: Int
    public let reason: String

    public var description: String {
        "the journal \(path) is damaged (line \(lineFromEnd) from the end: \(reason)); it is not a torn last line, so it is "
            + "not repaired: restore it from a backup (lienthong doctor shows where the chain breaks)"
    }
}

/// What the journal cut off its end: a torn last line (a write cut short by a crash, a full disk, a bad copy).
public struct JournalRepair: Sendable, CustomStringConvertible {
    public let path: String
    /// The bytes removed (at most the first 200 are kept here, for the log).
    public let removed: [UInt8]
    public let removedCount: Int
    /// The file's length after the repair.
    public let length: Int64

    public var description: String {
        let shown = String(decoding: removed, as: UTF8.self)
        return
            "cut \(removedCount) byte(s) off the end of \(path) (now \(length) bytes): \(shown)\(removedCount > removed.count ? "…" : "")"
    }
}

/// The office's append-only journal: one JSON record per line, each carrying the SHA-256 of the line before, so
/// that removing, reordering or editing any record breaks the chain from that point on.
///
/// Appends take an exclusive lock (two daemons may share a spool), write a whole batch of records at once and
/// fsync before returning: a record the caller saw appended is on disk. A batch is written whole or not at all: a
/// write or fsync that fails (a full disk) is undone by cutting the file back to its length before, under the lock.
/// A torn last line (a crash, or the file cut short from outside while the office runs) is cut off under the lock
/// whenever it is found: when the journal is opened and before every append, reported through `repaired`. Damage
/// that is not a torn tail (an unreadable line before the last) is never "repaired": appends throw
/// `JournalDamagedError`.
public final class Journal: @unchecked Sendable {
    // Sendable: the only state is the path; every append works under the file lock, opening its own descriptor.

    /// The journal file.
    public let path: String
    private let lockPath: String
    private let timeZone: TimeZone
    private let clock: @Sendable () -> Date
    private let repaired: (@Sendable (JournalRepair) -> Void)?

    /// Opens (or creates) the journal at `path`, cutting off a torn last line left by a crash unless `repairing`
    /// is false (to inspect it as it is). `repaired` hears of every repair (the daemon logs it as a warning).
    public init(
        path: String, timeZone: TimeZone = Timestamp.vietnam, clock: @escaping @Sendable () -> Date = { Date() },
        repairing: Bool = true, repaired: (@Sendable (JournalRepair) -> Void)? = nil
    ) throws {
        self.path = path
        self.lockPath = path + ".lock"
        self.timeZone = timeZone
        self.clock = clock
        self.repaired = repaired
        guard repairing else { return }
        let lock = try FileLock.acquire(lockPath)
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_APPEND, mode: 0o600)
        do {
            try repairTail(file)
        } catch is JournalDamagedError {
            // Left as it is: it can still be read (archive search, registers), and every append refuses it.
        }
        withExtendedLifetime(lock) {}
    }

    /// Appends `events` in order as one durable batch; returns the records written.
    @discardableResult
    public func append(_ events: [LedgerEvent]) throws -> [JournalRecord] {
        try append { events }
    }

    /// Appends the events `compute` returns, computed while the journal is locked: nothing else is appended
    /// between what `compute` reads (the index, caught up inside it) and what it writes. Numbers handed out this
    /// way (arrival numbers) have neither gaps nor repeats, whatever process appends and whenever one crashes.
    @discardableResult
    public func append(computing compute: () throws -> [LedgerEvent]) throws -> [JournalRecord] {
        let lock = try FileLock.acquire(lockPath)
        defer { withExtendedLifetime(lock) {} }
        return try appendLocked(try compute())
    }

    /// Appends `events` as one durable batch; the caller holds the lock.
    @discardableResult
    func appendLocked(_ events: [LedgerEvent]) throws -> [JournalRecord] {
        guard !events.isEmpty else { return [] }
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_APPEND, mode: 0o600)
        // The tail may have been torn since the last append (cut short from outside, or by a write that failed in
        // another process): mend it now, under the lock, rather than refuse every append from here on.
        try repairTail(file)
        let length = Int64(try file.status().st_size)
        // After a seal the active file may be empty: the chain goes on from the last segment's last record.
        let last = try JournalView.open(path).lastEnvelope()
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
        do {
            try file.write(bytes)
            try file.sync()
        } catch {
            // Whole or not at all: a short write (no space left) must not leave a torn line for the next append.
            if ftruncate(file.raw, off_t(length)) == 0 { _ = fsync(file.raw) }
            throw error
        }
        JournalMetrics.appended(records)
        return records
    }

    /// Appends one event.
    @discardableResult
    public func append(_ event: LedgerEvent) throws -> JournalRecord { try append([event])[0] }

    /// Every record, in order (streaming the file).
    public func records() throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        try forEachRecord { records.append($0) }
        return records
    }

    /// Calls `body` for each complete record in order. A line of an unknown kind, or without the fields its kind
    /// needs, is never skipped: `JournalRecordError` names it.
    public func forEachRecord(_ body: (JournalRecord) throws -> Void) throws {
        _ = try forEachRecord(from: 0) { record, _ in try body(record) }
    }

    /// Calls `body` for each complete record starting at byte `offset` (a record boundary), with the offset just
    /// after it; returns the offset after the last complete record. The journal only ever grows, so an offset
    /// stays valid: the index resumes from where it stopped instead of rereading everything.
    @discardableResult
    public func forEachRecord(from offset: Int64, _ body: (JournalRecord, Int64) throws -> Void) throws -> Int64 {
        var lines = 0
        return try forEachLine(from: offset) { line, end in
            lines += 1
            let record: JournalRecord?
            do {
                record = try JournalRecord.parse(line)
            } catch var error as JournalRecordError {
                error.line = try linesBefore(offset) + lines
                throw error
            }
            guard let record else { return }
            try body(record, end)
        }.end
    }

    /// Calls `body` for each record whose line holds the bytes `needle` (`"archive":` for the records that name an
    /// archive file): the other lines are passed over by a byte search, unparsed — a reader that wants a few kinds
    /// of a long journal pays for those only.
    public func forEachRecord(containing needle: [UInt8], _ body: (JournalRecord) throws -> Void) throws {
        _ = try forEachLine(from: 0) { line, _ in
            guard Self.bytes(line, contain: needle), let record = try JournalRecord.parse(line) else { return }
            try body(record)
        }
    }

    /// Whether `needle` occurs in `haystack` (memchr to each candidate first byte, then memcmp).
    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { wanted in
                guard let start = hay.baseAddress, let pattern = wanted.baseAddress else { return false }
                let end = start + (hay.count - wanted.count + 1)
                var cursor = start
                while cursor < end, let found = memchr(cursor, Int32(first), end - cursor) {
                    let candidate = found.assumingMemoryBound(to: UInt8.self)
                    if memcmp(candidate, pattern, wanted.count) == 0 { return true }
                    cursor = UnsafePointer(candidate + 1)
                }
                return false
            }
        }
    }

    /// How many lines end before stream byte `offset` (read only to name a line in an error).
    private func linesBefore(_ offset: Int64) throws -> Int {
        guard offset > 0 else { return 0 }
        var count = 0
        struct Done: Error {}
        do {
            _ = try JournalView.open(path).forEachLine(from: 0) { _, end, _ in
                guard end <= offset else { throw Done() }
                count += 1
            }
        } catch is Done {}
        return count
    }

    /// The last complete record, read from the end of the file without taking the lock or changing anything
    /// (nil for an empty journal). Throws when the last line is not a record, or not one of a known kind
    /// (`JournalRecordError`).
    public func lastRecord() throws -> JournalRecord? {
        guard let envelope = try JournalView.open(path).lastEnvelope() else { return nil }
        return try JournalRecord.parse(envelope.line)
    }

    /// The record on the line that ends (with its newline) just before stream byte `offset`, or nil when no record
    /// ends there (the journal was cut and written again since that offset was taken).
    public func record(endingAt offset: Int64) throws -> JournalRecord? {
        guard offset > 0, let line = try JournalView.open(path).line(endingAt: offset) else { return nil }
        // A line that does not decode is not the record the offset was taken after (that one was applied).
        return (try? JournalRecord.parse(line)) ?? nil
    }

    /// Checks the whole hash chain across the sealed segments and the active file, that every record decodes
    /// (`JournalRecordError` names the first that does not), and that every segment is the one its `journal.seal`
    /// record names (its SHA-256, first and last record); returns the number of records.
    @discardableResult
    public func verifyChain() throws -> Int {
        var previous = JournalRecord.genesis
        var expected: Int64 = 1
        var count = 0
        var lineNumber = 0
        var current: String?
        var hasher = SHA256Hasher()
        var hashes: [String: (sha256: String, last: Int64)] = [:]
        var seals: [String: JournalSeal] = [:]
        let view = try JournalView.open(path)
        func finishSegment() {
            guard let current, current != path else { return }
            hashes[current] = (hasher.finalize().hexString, expected - 1)
        }
        let (_, partial) = try view.forEachLine(from: 0) { line, _, piece in
            if piece.path != current {
                finishSegment()
                current = piece.path
                lineNumber = 0
                hasher = SHA256Hasher()
            }
            lineNumber += 1
            count += 1
            if piece.segment != nil {
                hasher.update(line)
                hasher.update([UInt8(ascii: "\n")])
            }
            let file = piece.segment == nil ? nil : piece.path
            guard let record = try JournalRecord.parse(line, lineNumber: count) else {
                throw JournalChainError(
                    sequence: expected, line: lineNumber, file: file, reason: "not a journal record")
            }
            guard record.sequence == expected else {
                throw JournalChainError(
                    sequence: record.sequence, line: lineNumber, file: file, reason: "expected record \(expected)")
            }
            guard record.previous == previous else {
                throw JournalChainError(
                    sequence: record.sequence, line: lineNumber, file: file,
                    reason: "its prev \(record.previous.prefix(12))… is not the SHA-256 of the line before")
            }
            if let seal = JournalSeal(record.event) { seals[seal.segment] = seal }
            previous = record.hash
            expected += 1
        }
        finishSegment()
        guard !partial else {
            throw JournalChainError(sequence: expected, line: lineNumber + 1, reason: "a partial last line")
        }
        for segment in view.segments {
            let name = (segment.path as NSString).lastPathComponent
            guard let seal = seals[name] else {
                throw JournalChainError(
                    sequence: segment.firstSequence, line: 0, file: segment.path,
                    reason: "no journal.seal record names this segment")
            }
            guard let found = hashes[segment.path], found.sha256 == seal.sha256, found.last == seal.lastSequence,
                segment.firstSequence == seal.firstSequence
            else {
                throw JournalChainError(
                    sequence: segment.firstSequence, line: 0, file: segment.path,
                    reason: "its SHA-256 or its records are not those its journal.seal record names")
            }
        }
        return count
    }

    /// Reads the journal (its sealed segments, then the active file) from stream byte `offset` line by line
    /// (without the newline); returns the offset after the last complete line, and whether bytes without a final
    /// newline follow it.
    private func forEachLine(from offset: Int64, _ body: ([UInt8], Int64) throws -> Void) throws -> (
        end: Int64, partial: Bool
    ) {
        try JournalView.open(path).forEachLine(from: offset) { line, end, _ in try body(line, end) }
    }

    /// The bytes of the first line of `file` starting at byte `start` (without its newline), or nil at the end.
    static func line(startingAt start: Int64, in file: FileDescriptor) throws -> [UInt8]? {
        var position = start
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 12)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, $0.count, off_t(position)) }
            guard count >= 0 else { throw FileError("pread", path: file.path) }
            if count == 0 { return bytes.isEmpty ? nil : bytes }
            if let newline = chunk[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                return bytes + chunk[..<newline]
            }
            bytes += chunk[..<count]
            position += Int64(count)
        }
    }

    /// The bytes of the line that ends at byte `end` (exclusive; its newline, if any, not included) and where it
    /// starts; nil when `end` is 0.
    static func line(endingAt end: Int64, in file: FileDescriptor) throws -> (bytes: [UInt8], start: Int64)? {
        guard end > 0 else { return nil }
        var window: Int64 = 1 << 16
        while true {
            let start = max(0, end - window)
            var bytes = [UInt8](repeating: 0, count: Int(end - start))
            let count = bytes.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, $0.count, off_t(start)) }
            guard count == bytes.count else { throw FileError("pread", path: file.path) }
            if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                return (Array(bytes[(newline + 1)...]), start + Int64(newline + 1))
            }
            if start == 0 { return (bytes, 0) }
            window *= 4
        }
    }

    /// The last complete record's envelope (its sequence and hash, whatever its kind), read from the end of the file.
    static func lastEnvelope(_ file: FileDescriptor) throws -> JournalRecord.Envelope? {
        var size = Int64(try file.status().st_size)
        guard size > 0 else { return nil }
        var last: UInt8 = 0
        guard pread(file.raw, &last, 1, off_t(size - 1)) == 1 else { throw FileError("pread", path: file.path) }
        if last == UInt8(ascii: "\n") { size -= 1 }
        guard let line = try line(endingAt: size, in: file) else { return nil }
        // Appending after an unreadable record would silently restart the chain: refuse instead.
        guard let record = JournalRecord.Envelope(line.bytes) else {
            throw JournalChainError(sequence: -1, line: -1, reason: "the last record of \(file.path) is unreadable")
        }
        return record
    }

    /// Mends a torn tail, under the lock the caller holds: bytes after the last newline (a record whose write was
    /// cut short), and a last line that is not a record (torn, then followed by a newline) when the line before it
    /// is one. Anything worse is damage a repair must not hide: `JournalDamagedError`.
    private func repairTail(_ file: FileDescriptor) throws {
        let size = Int64(try file.status().st_size)
        guard size > 0 else { return }
        var keep = size
        var last: UInt8 = 0
        guard pread(file.raw, &last, 1, off_t(size - 1)) == 1 else { throw FileError("pread", path: file.path) }
        if last != UInt8(ascii: "\n"), let torn = try Self.line(endingAt: size, in: file) {
            keep = torn.start
        }
        // The last complete line: a record, or (once) cut off as the torn tail it is.
        if keep > 0, let line = try Self.line(endingAt: keep - 1, in: file), JournalRecord.Envelope(line.bytes) == nil {
            if keep < size {
                // Already a partial line after it: two damaged lines are no torn tail.
                throw JournalDamagedError(path: path, lineFromEnd: 2, reason: "not a journal record")
            }
            if line.start > 0, let before = try Self.line(endingAt: line.start - 1, in: file),
                JournalRecord.Envelope(before.bytes) == nil
            {
                throw JournalDamagedError(path: path, lineFromEnd: 2, reason: "not a journal record")
            }
            keep = line.start
        }
        guard keep < size else { return }
        var removed = [UInt8](repeating: 0, count: Int(min(size - keep, 200)))
        _ = removed.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, $0.count, off_t(keep)) }
        guard ftruncate(file.raw, off_t(keep)) == 0 else { throw FileError("ftruncate", path: file.path) }
        try file.sync()
        repaired?(JournalRepair(path: path, removed: removed, removedCount: Int(size - keep), length: keep))
    }
}
