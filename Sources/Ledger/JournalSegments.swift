import DurableIO
import Foundation
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// One sealed month of the journal: `state/journal/<first sequence>-<YYYY-MM>.jsonl`, written whole (staged,
/// fsynced, renamed), read-only from then on, and named with its SHA-256 by the `journal-seal` record that
/// sealed it. Its first record carries the SHA-256 of the last record of the segment before, so the chain runs on
/// across segments into the active `journal.jsonl`.
public struct JournalSegment: Sendable, Equatable {
    /// The segment file.
    public let path: String
    /// The sequence of its first record.
    public let firstSequence: Int64
    /// The month its records were written in, `YYYY-MM` (office time).
    public let month: String
    /// Its length in bytes.
    public let size: Int64

    /// The file name of the segment starting at `firstSequence` with the records of `month`.
    public static func name(firstSequence: Int64, month: String) -> String {
        let digits = String(firstSequence)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits + "-" + month + ".jsonl"
    }

    /// The folder the segments of the journal at `journalPath` live in: `journal/` beside it.
    public static func folder(of journalPath: String) -> String {
        let directory = (journalPath as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/journal"
    }

    /// The segments in `folder`, by first sequence (none when the folder is missing). Staging files and anything
    /// not named like a segment are not segments.
    public static func list(in folder: String) throws -> [JournalSegment] {
        let entries: [DirectoryEntry]
        do {
            entries = try Directory.entries(folder)
        } catch let error as FileError where error.code == ENOENT {
            return []
        }
        var segments: [JournalSegment] = []
        for entry in entries where entry.kind == .file {
            guard let name = entry.name.string, let parsed = parse(name) else { continue }
            segments.append(
                JournalSegment(
                    path: folder + "/" + name, firstSequence: parsed.first, month: parsed.month, size: entry.size))
        }
        return segments.sorted { $0.firstSequence < $1.firstSequence }
    }

    static func parse(_ name: String) -> (first: Int64, month: String)? {
        guard name.hasSuffix(".jsonl"), !name.hasPrefix(".") else { return nil }
        let stem = name.dropLast(".jsonl".count)
        let parts = stem.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 12, parts[0].allSatisfy(\.isASCII), let first = Int64(parts[0]),
            first > 0, parts[1].count == 7, CalendarMonth(String(parts[1])) != nil
        else { return nil }
        return (first, String(parts[1]))
    }
}

/// A `YYYY-MM` month, as the journal's timestamps begin.
struct CalendarMonth: Comparable {
    let year: Int
    let month: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard text.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1...12).contains(month)
        else { return nil }
        self.year = year
        self.month = month
    }

    var text: String { String(format: "%04d-%02d", year, month) }

    static func < (lhs: CalendarMonth, rhs: CalendarMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

/// The journal as one stream of bytes: its sealed segments in order, then the active file. Offsets into the
/// journal are positions in this stream, so an offset taken before a month was sealed still points at the same
/// record afterwards (the index resumes from its offset whatever was sealed meanwhile).
///
/// A seal cut short by a crash can leave segments whose records are still at the head of the active file: those
/// segments are left out (the active file still holds them), so no record is read twice. The active file is opened
/// before the folder is listed, so a seal finishing meanwhile is seen the same way.
struct JournalView {
    struct Piece {
        let path: String
        /// Where it starts in the stream.
        let start: Int64
        /// Its length (for the active file: when the view was opened; it may have grown since).
        let size: Int64
        let segment: JournalSegment?
    }

    /// The segments read, then the active file (always last).
    let pieces: [Piece]
    /// Segments whose records are still at the head of the active file (an interrupted seal).
    let overlapped: [JournalSegment]
    let active: FileDescriptor

    var activePiece: Piece { pieces[pieces.count - 1] }
    var segments: [JournalSegment] { pieces.compactMap(\.segment) }

    /// Opens the journal at `path` (the active file must exist).
    static func open(_ path: String) throws -> JournalView {
        let active = try FileDescriptor.open(path, O_RDONLY)
        let all = try JournalSegment.list(in: JournalSegment.folder(of: path))
        let activeSize = Int64(try active.status().st_size)
        var included = all
        var overlapped: [JournalSegment] = []
        if !all.isEmpty, activeSize > 0, let first = try Journal.line(startingAt: 0, in: active),
            let head = JournalRecord.Envelope(first)
        {
            included = all.filter { $0.firstSequence < head.sequence }
            overlapped = all.filter { $0.firstSequence >= head.sequence }
        }
        var pieces: [Piece] = []
        var start: Int64 = 0
        for segment in included {
            pieces.append(Piece(path: segment.path, start: start, size: segment.size, segment: segment))
            start += segment.size
        }
        pieces.append(Piece(path: path, start: start, size: activeSize, segment: nil))
        return JournalView(pieces: pieces, overlapped: overlapped, active: active)
    }

    /// The descriptor of `piece`, opening a segment (the active file is already open).
    func descriptor(_ piece: Piece) throws -> FileDescriptor {
        piece.segment == nil ? active : try FileDescriptor.open(piece.path, O_RDONLY)
    }

    /// The piece holding stream byte `offset` (the active file for any offset past the segments).
    func piece(holding offset: Int64) -> Int {
        for (index, piece) in pieces.enumerated().dropLast() where offset < piece.start + piece.size {
            return index
        }
        return pieces.count - 1
    }

    /// Reads the stream from `offset` line by line (without the newline), telling `body` the line's end offset and
    /// its piece; returns the offset after the last complete line, and whether bytes without a final newline
    /// follow it in the active file. A segment that does not end with a newline hands its last bytes over as a line
    /// of their own (which will not read as a record).
    func forEachLine(from offset: Int64, _ body: ([UInt8], Int64, Piece) throws -> Void) throws -> (
        end: Int64, partial: Bool
    ) {
        var position = offset
        var partial = false
        for index in piece(holding: offset)..<pieces.count {
            let piece = pieces[index]
            let file = try descriptor(piece)
            let local = max(0, position - piece.start)
            guard lseek(file.raw, off_t(local), SEEK_SET) >= 0 else { throw FileError("lseek", path: piece.path) }
            file.adviseSequential()
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var read: Int64 = local
            while piece.segment == nil || read < piece.size {
                let want = piece.segment == nil ? chunk.count : Int(min(Int64(chunk.count), piece.size - read))
                let count = try chunk.withUnsafeMutableBytes {
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<want]))
                }
                if count == 0 { break }
                read += Int64(count)
                pending += chunk.prefix(count)
                var start = 0
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[start..<newline])
                    position += Int64(newline - start + 1)
                    start = newline + 1
                    try body(line, position, piece)
                }
                pending.removeFirst(start)
            }
            if piece.segment != nil {
                if !pending.isEmpty {
                    position += Int64(pending.count)
                    try body(pending, position, piece)
                }
                position = piece.start + piece.size
            } else {
                partial = !pending.isEmpty
            }
        }
        return (position, partial)
    }

    /// The line that ends (with its newline) just before stream byte `offset`, or nil when none ends there.
    func line(endingAt offset: Int64) throws -> [UInt8]? {
        guard offset > 0 else { return nil }
        let piece = pieces[piece(holding: offset - 1)]
        let file = try descriptor(piece)
        let local = offset - piece.start
        guard local > 0, Int64(try file.status().st_size) >= local else { return nil }
        var newline: UInt8 = 0
        guard pread(file.raw, &newline, 1, off_t(local - 1)) == 1, newline == UInt8(ascii: "\n") else { return nil }
        return try Journal.line(endingAt: local - 1, in: file)?.bytes
    }

    /// The last complete record's envelope: the active file's last, or the last segment's when the active file is
    /// empty (just after a seal).
    func lastEnvelope() throws -> JournalRecord.Envelope? {
        if let envelope = try Journal.lastEnvelope(active) { return envelope }
        guard let segment = segments.last else { return nil }
        return try Journal.lastEnvelope(try FileDescriptor.open(segment.path, O_RDONLY))
    }
}
