import Foundation
import Ledger
import Packets
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The journal rotated into sealed monthly segments: every reader follows the chain across them, offsets taken
/// before a seal stay valid, and a seal cut short anywhere is read once and finished.
@Suite struct JournalSealTests {
    let directory = TemporaryDirectory()
    let now = SettableClock(Date(timeIntervalSince1970: 1_788_220_800))  // 2026-09-01 07:00 +07:00

    var path: String { directory.file("journal.jsonl") }
    var folder: String { directory.file("journal") }

    func journal() throws -> Journal {
        try Journal(path: path, clock: { [now] in now.value.withLock { $0 } })
    }

    /// 30 records a month in September, October and November 2026, then 5 in December; the index caught up in
    /// the middle of October.
    func threeMonths(_ journal: Journal, index: LedgerIndex) throws {
        var number = 0
        for month in 0..<4 {
            for day in 0..<(month == 3 ? 5 : 30) {
                now.value.withLock {
                    $0 = Date(
                        timeIntervalSince1970: 1_788_220_800 + Double(month) * 30.5 * 86_400 + Double(day) * 3_600)
                }
                number += 1
                try journal.append(JournalTests.packed(number))
                if month == 1 && day == 14 { try index.catchUp(with: journal) }
            }
        }
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func monthsAreSealedIntoSegmentsThatEveryReaderFollows() throws {
        let journal = try journal()
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        try threeMonths(journal, index: index)
        let before = try journal.records()
        #expect(before.count == 95)
        #expect(try index.lastSequence() == 45)

        let seals = try journal.seal(before: "2026-12", by: "admin", reason: "test")
        #expect(seals.map(\.month) == ["2026-09", "2026-10", "2026-11"])
        #expect(seals.map(\.firstSequence) == [1, 31, 61] && seals.map(\.lastSequence) == [30, 60, 90])
        let segments = try journal.segments()
        #expect(segments.map { ($0.path as NSString).lastPathComponent } == seals.map(\.segment))
        #expect(
            segments.map(\.path)
                == zip([1, 31, 61], seals).map {
                    folder + "/" + JournalSegment.name(firstSequence: $0, month: $1.month)
                })
        for segment in segments {
            var info = stat()
            #expect(stat(segment.path, &info) == 0 && info.st_mode & 0o777 == 0o444)
            #expect(try lines(segment.path).count == 30)
        }
        // The active file keeps December and the three seal records.
        #expect(try lines(path).count == 5 + 3)

        // Every reader sees the same records, once, in order; the chain holds across the segments.
        let after = try journal.records()
        #expect(after.prefix(95).map(\.hash) == before.map(\.hash))
        #expect(after.suffix(3).compactMap { JournalSeal($0.event) } == seals)
        #expect(try journal.verifyChain() == 98)
        #expect(try journal.lastRecord()?.sequence == 98)

        // The index resumes from the offset it took in October (inside a segment now), and a rebuilt one agrees.
        try index.catchUp(with: journal)
        #expect(try index.lastSequence() == 98 && index.counts().packets == 95)
        let fresh = try LedgerIndex(path: directory.file("fresh.sqlite"))
        try fresh.catchUp(with: journal)
        #expect(try fresh.lastSequence() == 98 && fresh.counts().packets == 95)

        // Appends go on with the chain; a second seal of the same months has nothing to do.
        let next = try journal.append(JournalTests.packed(96))
        #expect(next.sequence == 99 && next.previous == after.last!.hash)
        #expect(try journal.seal(before: "2026-12", by: "admin", reason: "again").isEmpty)
        #expect(try journal.verifyChain() == 99)
    }

    @Test func sealingEverythingLeavesAnActiveFileTheChainGoesOnFrom() throws {
        let journal = try journal()
        for number in 1...4 { try journal.append(JournalTests.packed(number)) }
        now.value.withLock { $0 = $0.addingTimeInterval(40 * 86_400) }
        // The seal record itself is written in October: it stays in the active file.
        let seals = try journal.seal(before: "2026-10", by: "admin", reason: "test")
        #expect(seals.count == 1 && seals[0].lastSequence == 4)
        #expect(try lines(path).count == 1)
        let record = try journal.append(JournalTests.packed(5))
        #expect(record.sequence == 6)
        #expect(try journal.verifyChain() == 6)
    }

    @Test func aSealCutShortAnywhereIsReadOnceAndFinished() throws {
        let journal = try journal()
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        try threeMonths(journal, index: index)
        let original = try journal.records()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try journal.seal(before: "2026-12", by: "admin", reason: "test")
        let segments = try journal.segments()
        let segmentBytes = try segments.map { try Data(contentsOf: URL(fileURLWithPath: $0.path)) }
        let active = try Data(contentsOf: URL(fileURLWithPath: path))
        let withSeals = segmentBytes.reduce(Data(), +) + active
        #expect(withSeals.prefix(full.count) == full)

        func restore(segments kept: Int, active contents: Data) throws {
            for segment in segments {
                chmod(segment.path, 0o644)
                unlink(segment.path)
            }
            for (segment, bytes) in zip(segments, segmentBytes).prefix(kept) {
                try bytes.write(to: URL(fileURLWithPath: segment.path))
                chmod(segment.path, 0o444)
            }
            try contents.write(to: URL(fileURLWithPath: path))
        }
        func check(_ state: String) throws {
            let records = try journal.records()
            #expect(records.count == 98, "\(state)")
            #expect(records.prefix(95).map(\.hash) == original.map(\.hash), "\(state)")
            #expect(try journal.verifyChain() == 98, "\(state)")
            let rebuilt = try LedgerIndex(path: directory.file("\(state).sqlite"))
            try rebuilt.catchUp(with: journal)
            #expect(try rebuilt.counts().packets == 95, "\(state)")
            // The index's own offset (taken before the crash) still leads it to the same place.
            try index.catchUp(with: journal)
            #expect(try index.lastSequence() == 98, "\(state)")
            let finished = try journal.finishSealing()
            #expect(finished.count == 3 - 0, "\(state)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == active, "\(state)")
            for (segment, bytes) in zip(segments, segmentBytes) {
                #expect(try Data(contentsOf: URL(fileURLWithPath: segment.path)) == bytes, "\(state)")
            }
            #expect(try journal.verifyChain() == 98, "\(state)")
            #expect(try journal.finishSealing().isEmpty, "\(state)")
        }
        // Crashed after the seal records were appended, before any segment was written.
        try restore(segments: 0, active: withSeals)
        try check("announced")
        // … after one segment of three was written (and a staging file was left behind).
        try restore(segments: 1, active: withSeals)
        try Data("{\"seq\":".utf8).write(to: URL(fileURLWithPath: folder + "/.lienthong-1.part"))
        try check("one-written")
        #expect(access(folder + "/.lienthong-1.part", F_OK) != 0)
        // … after all segments were written, before the active file was replaced.
        try restore(segments: 3, active: withSeals)
        try check("all-written")
    }

    @Test func aChangedMissingOrForeignSegmentIsReported() throws {
        let journal = try journal()
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        try threeMonths(journal, index: index)
        try journal.seal(before: "2026-12", by: "admin", reason: "test")
        let segments = try journal.segments()
        let october = segments[1].path
        let original = try Data(contentsOf: URL(fileURLWithPath: october))
        func expectBroken(file: String?, _ state: String) {
            do {
                try journal.verifyChain()
                Issue.record("\(state): the chain verified")
            } catch let error as JournalChainError {
                #expect(error.file == file, "\(state): \(error)")
            } catch {
                Issue.record("\(state): \(error)")
            }
        }
        // One flipped byte inside a record's text (the chain still parses).
        chmod(october, 0o644)
        var flipped = original
        let at = flipped.firstRange(of: Data("QĐ-UBND".utf8))!.lowerBound
        flipped[at] = UInt8(ascii: "X")
        try flipped.write(to: URL(fileURLWithPath: october))
        expectBroken(file: october, "flipped")  // its second record no longer follows the first
        // Removed.
        unlink(october)
        expectBroken(file: segments[2].path, "removed")
        try original.write(to: URL(fileURLWithPath: october))
        #expect(try journal.verifyChain() == 98)
        // A segment under a name no seal record gives it.
        let renamed = folder + "/" + JournalSegment.name(firstSequence: 32, month: "2026-10")
        #expect(rename(october, renamed) == 0)
        expectBroken(file: renamed, "renamed")
    }
}

/// A clock a test sets.
final class SettableClock: Sendable {
    let value: Mutex<Date>
    init(_ date: Date) { value = Mutex(date) }
}
