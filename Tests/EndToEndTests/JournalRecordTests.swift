import Foundation
import Signing
import TestSupport
import Testing

/// Issue 12: a journal record of a kind no release writes, or without a field its kind needs, is never skipped:
/// `lienthong index rebuild` refuses the journal, naming the line, even though its hash chain holds.
@Suite struct JournalRecordTests {
    /// A spool that sent one document, with `fields` appended to its journal as the next record (a correct `prev`).
    func spool(appending kind: String, _ fields: String, label: String) throws -> (OfficeSpool, line: Int) {
        let spool = try OfficeSpool(label: label)
        try spool.drop("vb", number: "1")
        let run = try spool.once()
        #expect(run.status == 0, "\(run.output)")
        let path = spool.root + "/state/journal.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let last = try #require(lines.last)
        let line =
            #"{"seq":\#(lines.count + 1),"at":"2026-11-24T10:00:00.000+07:00","event":"\#(kind)",\#(fields)"prev":"\#(SHA256Hasher.hex(of: Array(last.utf8)))"}"#
        try (text + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (spool, lines.count + 1)
    }

    @Test func anUnknownRecordKindFailsTheRebuildNamingItsLine() throws {
        let (spool, line) = try spool(
            appending: "shipped", #""packetId":"20261124-030000-001-ABCDEFGHJK","#, label: "unknown-kind")
        let rebuilt = try CLI.lienthong(["index", "rebuild", "--spool", spool.root])
        #expect(rebuilt.status != 0, "\(rebuilt.output)")
        #expect(
            rebuilt.stderr.contains("journal line \(line) ")
                && rebuilt.stderr.contains("unknown record kind \"shipped\""),
            "\(rebuilt.output)")
        let verified = try spool.verifyJournal()
        #expect(verified.status != 0 && verified.stderr.contains("journal line \(line) "), "\(verified.output)")
    }

    @Test func aRecordWithoutARequiredFieldFailsTheRebuildNamingItsLine() throws {
        let (spool, line) = try spool(
            appending: "delivered",
            #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","#,
            label: "missing-field")
        let rebuilt = try CLI.lienthong(["index", "rebuild", "--spool", spool.root])
        #expect(rebuilt.status != 0, "\(rebuilt.output)")
        #expect(
            rebuilt.stderr.contains("journal line \(line) ")
                && rebuilt.stderr.contains("\"delivered\" record's field \"path\" is missing"),
            "\(rebuilt.output)")
    }
}
