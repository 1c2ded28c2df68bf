import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// What a `journal.seal` record (an `admin` record) says of the segment it sealed: the office's word for which
/// records the segment holds and what its bytes hash to, chained into the journal like every other record.
public struct JournalSeal: Sendable, Equatable {
    /// The segment's file name in `state/journal/`.
    public let segment: String
    /// `YYYY-MM`, office time.
    public let month: String
    public let firstSequence: Int64
    public let lastSequence: Int64
    /// The segment's length and SHA-256.
    public let size: Int64
    public let sha256: String

    /// The `admin` action of a seal record.
    public static let action = "journal.seal"

    public init(month: String, firstSequence: Int64, lastSequence: Int64, size: Int64, sha256: String) {
        self.segment = JournalSegment.name(firstSequence: firstSequence, month: month)
        self.month = month
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.size = size
        self.sha256 = sha256
    }

    /// The seal a record states, or nil when it is not a seal record.
    public init?(_ event: LedgerEvent) {
        guard case .admin(Self.action, _, _, let target?, let details?) = event,
            let month = details["month"]?.stringValue, let first = details["first"]?.integerValue,
            let last = details["last"]?.integerValue, let size = details["bytes"]?.integerValue,
            let sha256 = details["sha256"]?.stringValue
        else { return nil }
        self.init(month: month, firstSequence: first, lastSequence: last, size: size, sha256: sha256)
        guard segment == target else { return nil }
    }

    /// The record that seals this segment.
    func event(by actor: String, reason: String) -> LedgerEvent {
        .admin(
            action: Self.action, by: actor, reason: reason, target: segment,
            details: .object([
                ("month", .string(month)), ("first", .integer(firstSequence)), ("last", .integer(lastSequence)),
                ("records", .integer(lastSequence - firstSequence + 1)), ("bytes", .integer(size)),
                ("sha256", .string(sha256)),
            ]))
    }
}

extension Journal {
    /// The sealed segments, oldest first.
    public func segments() throws -> [JournalSegment] { try JournalView.open(path).segments }

    /// Seals every whole month of the active file written before `month` (`YYYY-MM`, office time), oldest first,
    /// into `state/journal/<first>-<YYYY-MM>.jsonl`; returns the segments sealed (with `dryRun`: those it would
    /// seal, changing nothing).
    ///
    /// Under the journal's lock: the `journal.seal` records are appended first (the intent, chained like any
    /// record), then each segment is written whole (staged, fsynced, renamed, read-only), then the active file is
    /// replaced by what follows the sealed months. A crash at any point leaves the records readable exactly once
    /// (a segment whose records are still in the active file is not read), and the next seal finishes the
    /// segments already announced before sealing more.
    @discardableResult
    public func seal(before month: String, by actor: String, reason: String, dryRun: Bool = false) throws
        -> [JournalSeal]
    {
        guard let limit = CalendarMonth(month) else { throw JournalSealError("not a month: \(month)") }
        guard access(path, F_OK) == 0 else { return [] }
        let lock = dryRun ? nil : try FileLock.acquire(path + ".lock")
        defer { withExtendedLifetime(lock) {} }
        let folder = JournalSegment.folder(of: path)
        if !dryRun { removeStaging(in: folder) }
        var scan = try ActiveScan(path: path, before: limit)
        var pending = scan.announced.filter { seal in
            seal.firstSequence >= scan.firstSequence && access(folder + "/" + seal.segment, F_OK) != 0
                || scan.overlapped.contains(seal.segment)
        }
        let covered = pending.map(\.lastSequence).max() ?? 0
        let fresh = scan.months.filter { $0.firstSequence > covered }
        guard !dryRun else { return pending + fresh }
        // The folder before the first announcement: without it, no seal was ever begun (finishSealing stops there).
        if !fresh.isEmpty { try Durable.makeDirectories(folder, mode: 0o700) }
        if !fresh.isEmpty {
            try appendLocked(fresh.map { $0.event(by: actor, reason: reason) })
        }
        pending += fresh
        guard !pending.isEmpty else { return [] }
        try Durable.makeDirectories(folder, mode: 0o700)
        for seal in pending {
            try write(seal, from: &scan, into: folder)
        }
        // What follows the last sealed record becomes the active file (the seal records among it).
        let keepFrom = try scan.offset(after: pending.map(\.lastSequence).max()!)
        let active = try FileDescriptor.open(path, O_RDONLY)
        let size = Int64(try active.status().st_size)
        try Durable.writeFile(at: path, mode: 0o600, replace: true) { out in
            try Self.copy(active, range: keepFrom..<size, to: out, hasher: nil)
        }
        return pending
    }

    /// Finishes a seal cut short by a crash (the segments its `journal.seal` records announced), sealing nothing
    /// more; returns the segments finished.
    @discardableResult
    public func finishSealing() throws -> [JournalSeal] {
        // No segment folder: no seal was ever begun, and the active file need not be read (daemon start-up).
        guard access(JournalSegment.folder(of: path), F_OK) == 0 else { return [] }
        return try seal(before: "0001-01", by: "", reason: "")
    }

    /// Writes one segment from the active file's bytes (or keeps the one a crashed seal already wrote, when it is
    /// the same), proving its SHA-256 against its seal.
    private func write(_ seal: JournalSeal, from scan: inout ActiveScan, into folder: String) throws {
        let target = folder + "/" + seal.segment
        let start = try scan.offset(of: seal.firstSequence)
        let end = try scan.offset(after: seal.lastSequence)
        if access(target, F_OK) == 0 {
            if let existing = try? FileDescriptor.open(target, O_RDONLY),
                let size = try? existing.status().st_size, Int64(size) == seal.size,
                (try? Self.hash(existing)) == seal.sha256
            {
                return
            }
            guard unlink(target) == 0 else { throw FileError("unlink", path: target) }
        }
        let active = try FileDescriptor.open(path, O_RDONLY)
        let hasher = SHA256Hasher()
        try Durable.writeFile(at: target, mode: 0o444) { out in
            try Self.copy(active, range: start..<end, to: out, hasher: hasher)
            guard hasher.finalize().hexString == seal.sha256, end - start == seal.size else {
                throw JournalSealError(
                    "the records \(seal.firstSequence)–\(seal.lastSequence) are not those their journal.seal record names"
                )
            }
        }
    }

    private func removeStaging(in folder: String) {
        guard let entries = try? Directory.entries(folder) else { return }
        for entry in entries where entry.name.string?.hasPrefix(".lienthong-") == true {
            _ = Directory.join(folder, entry.name).withCString { unlink($0) }
        }
    }

    /// Copies `range` of `file` to `out` (when given), adding it to `hasher` (when given).
    static func copy(_ file: FileDescriptor, range: Range<Int64>, to out: FileDescriptor?, hasher: SHA256Hasher?)
        throws
    {
        var position = range.lowerBound
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while position < range.upperBound {
            let want = Int(min(Int64(chunk.count), range.upperBound - position))
            let count = chunk.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, want, off_t(position)) }
            guard count > 0 else { throw FileError("pread", path: file.path) }
            try chunk.withUnsafeBytes { bytes in
                let slice = UnsafeRawBufferPointer(rebasing: bytes[..<count])
                hasher?.update(slice)
                try out?.write(slice)
            }
            position += Int64(count)
        }
    }

    static func hash(_ file: FileDescriptor) throws -> String {
        let hasher = SHA256Hasher()
        try copy(file, range: 0..<Int64(try file.status().st_size), to: nil, hasher: hasher)
        return hasher.finalize().hexString
    }
}

/// A seal that cannot be made as its records say.
public struct JournalSealError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One pass over the active file: where each record starts, the whole months at its head written before the
/// limit (with their size and SHA-256), and the seals it announces.
private struct ActiveScan {
    /// The active file's first record (0 when empty).
    var firstSequence: Int64 = 0
    /// Start offset of each record, by sequence − `firstSequence`, plus the end of the last.
    var starts: [Int64] = []
    /// The months to seal, in order.
    var months: [JournalSeal] = []
    /// Seals announced by records of the active file.
    var announced: [JournalSeal] = []
    /// Names of segments whose records are still in the active file (a crashed seal).
    var overlapped: Set<String> = []

    init(path: String, before limit: CalendarMonth) throws {
        let view = try JournalView.open(path)
        overlapped = Set(view.overlapped.map { ($0.path as NSString).lastPathComponent })
        let activeStart = view.activePiece.start
        var run: (month: String, first: Int64, last: Int64, size: Int64, hasher: SHA256Hasher)?
        var heading = true
        var lineStart: Int64 = 0
        func close() {
            guard let current = run else { return }
            months.append(
                JournalSeal(
                    month: current.month, firstSequence: current.first, lastSequence: current.last,
                    size: current.size, sha256: current.hasher.finalize().hexString))
            run = nil
        }
        _ = try view.forEachLine(from: activeStart) { line, end, piece in
            guard piece.segment == nil else { return }
            let local = end - activeStart
            defer { lineStart = local }
            guard let envelope = JournalRecord.Envelope(line) else {
                throw JournalSealError("line at byte \(lineStart) of the journal is not a record: nothing is sealed")
            }
            if starts.isEmpty { firstSequence = envelope.sequence }
            guard envelope.sequence == firstSequence + Int64(starts.count) else {
                throw JournalSealError("record \(envelope.sequence) out of order: nothing is sealed")
            }
            starts.append(lineStart)
            if let record = try? JournalRecord.parse(line), let seal = JournalSeal(record.event) {
                announced.append(seal)
            }
            guard heading, let month = CalendarMonth(String(envelope.at.prefix(7))), month < limit else {
                heading = false
                return
            }
            if run?.month != month.text {
                close()
                run = (month.text, envelope.sequence, envelope.sequence, 0, SHA256Hasher())
            }
            run!.last = envelope.sequence
            run!.size += Int64(line.count + 1)
            run!.hasher.update(line)
            run!.hasher.update([UInt8(ascii: "\n")])
        }
        close()
        starts.append(lineStart)
    }

    /// Where record `sequence` starts in the active file.
    func offset(of sequence: Int64) throws -> Int64 {
        let index = Int(sequence - firstSequence)
        guard index >= 0, index < starts.count - 1 else {
            throw JournalSealError("record \(sequence) is not in the active journal file")
        }
        return starts[index]
    }

    /// Where the record after `sequence` starts (the end of the file after the last).
    func offset(after sequence: Int64) throws -> Int64 {
        let index = Int(sequence - firstSequence) + 1
        guard index >= 1, index < starts.count else {
            throw JournalSealError("record \(sequence) is not in the active journal file")
        }
        return starts[index]
    }
}

extension Journal {
    /// Where a journal snapshot ends: the last record it holds and the stream offset after it.
    public struct SnapshotEnd: Sendable, Equatable {
        public let sequence: Int64
        public let sha256: String
        public let offset: Int64

        public init(sequence: Int64, sha256: String, offset: Int64) {
            self.sequence = sequence
            self.sha256 = sha256
            self.offset = offset
        }
    }

    /// Copies the journal as it stands — its sealed segments, then the active file up to its last complete line —
    /// into `state` (`state/journal.jsonl` and `state/journal/`), without the lock: appends go on meanwhile and
    /// come after the copy's end; a seal meanwhile is seen as every reader sees it (records once). Not synced.
    public func snapshot(into state: String) throws -> SnapshotEnd {
        let view = try JournalView.open(path)
        let segments = view.segments
        if !segments.isEmpty { try Durable.makeDirectories(state + "/journal", mode: 0o700) }
        for segment in segments {
            let input = try FileDescriptor.open(segment.path, O_RDONLY)
            let target = state + "/journal/" + (segment.path as NSString).lastPathComponent
            let output = try FileDescriptor.open(target, O_WRONLY | O_CREAT | O_EXCL, mode: 0o444)
            try Self.copy(input, range: 0..<segment.size, to: output, hasher: nil)
            try output.close()
        }
        let active = view.activePiece
        var end = active.size
        if end > 0, let last = try Self.line(endingAt: end, in: view.active), last.start < end {
            // A line without its newline yet (an append in progress) is not in the snapshot.
            var byte: UInt8 = 0
            if pread(view.active.raw, &byte, 1, off_t(end - 1)) == 1, byte != UInt8(ascii: "\n") { end = last.start }
        }
        let output = try FileDescriptor.open(state + "/journal.jsonl", O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        try Self.copy(view.active, range: 0..<end, to: output, hasher: nil)
        try output.close()
        let copied = try JournalView.open(state + "/journal.jsonl")
        let last = try copied.lastEnvelope()
        return SnapshotEnd(
            sequence: last?.sequence ?? 0, sha256: last?.hash ?? JournalRecord.genesis,
            offset: copied.activePiece.start + copied.activePiece.size)
    }
}
