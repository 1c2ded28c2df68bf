import Foundation
import Ledger
import Packets
import TestSupport
import Testing

@Suite struct JournalTests {
    let directory = TemporaryDirectory()

    func journal() throws -> Journal { try Journal(path: directory.file("journal.jsonl")) }

    /// A packet id whose millisecond field is `number` (`-002-` for 2).
    static func id(_ number: Int) -> PacketID {
        PacketID("20261124-030000-\(String(format: "%03d", number))-ABCDEFGHJK")!
    }
    static let agency = AgencyCode("000.00.01.H53")!
    static func packed(_ number: Int) -> LedgerEvent {
        .packed(
            LedgerPacket(
                packetId: id(number), sender: AgencyCode("000.00.00.H53")!, codeNumber: "\(number)",
                codeNotation: "QĐ-UBND",
                issuedDate: "2026-11-24", typeName: "Công văn", subject: "Thử", priority: "thuong", secrecy: nil,
                to: [agency], files: ["a.pdf"], packedAt: "2026-11-24T10:00:00.000+07:00",
                archive: "archive/2026/11/\(id(number)).tar", sha256: nil, size: nil))
    }
    static func delivered(_ number: Int) -> LedgerEvent {
        .delivered(packetId: id(number), recipient: agency, path: "agencies/000.00.01.H53/inbox/\(id(number))")
    }
    static func completed(_ number: Int) -> LedgerEvent {
        .completed(packetId: id(number), sent: "agencies/000.00.00.H53/sent/\(id(number))")
    }

    @Test func eachRecordCarriesTheHashOfTheOneBefore() throws {
        let journal = try journal()
        let first = try journal.append(Self.packed(1))
        let more = try journal.append([Self.delivered(1), Self.completed(1)])
        #expect(first.sequence == 1 && first.previous == JournalRecord.genesis)
        #expect(more.map(\.sequence) == [2, 3])
        #expect(more[0].previous == first.hash && more[1].previous == more[0].hash)
        #expect(try journal.verifyChain() == 3)
        #expect(try journal.records().map(\.kind) == ["packed", "delivered", "completed"])
    }

    @Test func anEditedRemovedOrReorderedRecordBreaksTheChain() throws {
        let journal = try journal()
        for index in 0..<5 { try journal.append(Self.packed(index)) }
        let path = directory.file("journal.jsonl")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        func check(_ edited: [String], breaksAt line: Int) throws {
            try (edited.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: JournalChainError.self) { try Journal(path: path, repairing: false).verifyChain() }
            do {
                _ = try Journal(path: path, repairing: false).verifyChain()
            } catch let error as JournalChainError {
                #expect(error.line == line, "\(error)")
            }
        }
        var edited = lines
        edited[2] = edited[2].replacingOccurrences(of: "-002-", with: "-009-")
        try check(edited, breaksAt: 4)  // record 3's content changed: record 4 no longer follows from it
        try check(lines.enumerated().filter { $0.offset != 1 }.map(\.element), breaksAt: 2)
        try check([lines[0], lines[2], lines[1], lines[3], lines[4]], breaksAt: 2)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Journal(path: path, repairing: false).verifyChain() == 5)
    }

    @Test func aTornLastLineFromACrashIsCutOffOnOpen() throws {
        let path = directory.file("journal.jsonl")
        try journal().append(Self.packed(1))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":2,"at":"2026-11-24T10:00:00+07:00","event":"deliv"#.utf8))
        try handle.close()
        #expect(throws: JournalChainError.self) { try Journal(path: path, repairing: false).verifyChain() }
        let reopened = try Journal(path: path)
        #expect(try reopened.verifyChain() == 1)
        #expect(try reopened.append(Self.delivered(1)).sequence == 2)
        #expect(try reopened.verifyChain() == 2)
    }

    /// Issue 11, hole 4: the tail torn while a journal is open (cut short from outside) is mended at the next append,
    /// under the lock, and reported; a last line that is not a record after a good one is a torn tail too.
    @Test func aTailTornWhileOpenIsMendedAtTheNextAppend() throws {
        let path = directory.file("journal.jsonl")
        let cuts = Cuts()
        let open = try Journal(path: path, repaired: { cuts.add($0.removedCount) })
        try open.append([Self.packed(1), Self.delivered(1)])
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(truncate(path, info.st_size - 20) == 0)
        #expect(try open.append(Self.completed(1)).sequence == 2)
        #expect(try open.verifyChain() == 2)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"seq\":3,\"at\":\"garbled\n".utf8))
        try handle.close()
        #expect(try open.append(.stopped).sequence == 3)
        #expect(try open.verifyChain() == 3)
        #expect(cuts.values.count == 2)
    }

    /// Damage before the last line is never cut away: appends refuse it, and the journal can still be read.
    @Test func damageBeforeTheLastLineIsRefused() throws {
        let path = directory.file("journal.jsonl")
        try journal().append(Self.packed(1))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("garbage\nmore garbage\n".utf8))
        try handle.close()
        let reopened = try Journal(path: path)
        #expect(throws: JournalDamagedError.self) { try reopened.append(Self.delivered(1)) }
        #expect(try reopened.records().count == 1)
    }

    @Test func appendsFromManyWritersKeepOneChain() async throws {
        let path = directory.file("journal.jsonl")
        _ = try Journal(path: path)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    // Each writer opens the journal on its own, as a second daemon would.
                    let own = try? Journal(path: path)
                    for index in 0..<50 { _ = try? own?.append(Self.packed(writer * 100 + index)) }
                }
            }
        }
        #expect(try Journal(path: path).verifyChain() == 200)
    }
}

/// Repairs a journal reported, for the test to count.
private final class Cuts: @unchecked Sendable {
    private let lock = NSLock()
    private var removed: [Int] = []
    func add(_ count: Int) { lock.withLock { removed.append(count) } }
    var values: [Int] { lock.withLock { removed } }
}
