import Fallback
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The paper fallback log file and what replaying it says.
@Suite struct FallbackLogTests {
    let directory = TemporaryDirectory()

    func document(_ packet: String, to recipient: String = "000.00.01.H53", immediate: Bool = false) -> FallbackDocument
    {
        FallbackDocument(
            packetId: packet, sender: "000.00.00.H53", senderName: "UBND tỉnh", recipient: recipient,
            recipientName: "Sở Nội vụ",
            numberAndNotation: "1/QĐ-UBND", issuedDate: "2026-11-24", typeName: "Quyết định", subject: "Về việc thử",
            signer: "Nguyễn Văn A", priority: immediate ? "hoa-toc" : "thuong", secrecy: nil, immediate: immediate,
            reason: immediate ? "urgent" : "threshold")
    }

    @Test func aTornLastLineIsCutOffAndTheNextRecordStartsOnItsOwnLine() throws {
        let log = FallbackLog(directory: directory.file("fallback"))
        let start = Date(timeIntervalSince1970: 1_795_500_000)
        try log.append([
            FallbackRecord(.routeFailing, at: start, agency: "000.00.01.H53", since: start, error: "ENOENT")
        ])
        // A crash in the middle of an append leaves half a line.
        let handle = try #require(FileHandle(forWritingAtPath: log.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"kind":"document","at":"2026-11-24T"#.utf8))
        try handle.close()
        #expect(try log.readAll().count == 1)
        try log.append([FallbackRecord(.routeRestored, at: start.addingTimeInterval(60), agency: "000.00.01.H53")])
        let lines = try String(contentsOfFile: log.path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines.last == "", "\(lines)")
        let state = FallbackState(try log.readAll())
        #expect(state.failing.isEmpty && state.restoredAt["000.00.01.H53"] == start.addingTimeInterval(60))
    }

    @Test func replayingTheLogGivesIncidentsAndReconciliation() throws {
        let t0 = Date(timeIntervalSince1970: 1_795_500_000)
        let records = [
            FallbackRecord(.routeFailing, at: t0, agency: "000.00.01.H53", since: t0, error: "no such folder"),
            FallbackRecord(.document, at: t0.addingTimeInterval(1), document: document("A", immediate: true)),
            FallbackRecord(
                .incidentOpened, at: t0.addingTimeInterval(4), since: t0, incident: "SC-1", cause: "route",
                routes: ["000.00.01.H53"]),
            FallbackRecord(
                .document, at: t0.addingTimeInterval(4), incident: "SC-1", document: document("A", immediate: true)),
            FallbackRecord(.document, at: t0.addingTimeInterval(4), incident: "SC-1", document: document("B")),
            FallbackRecord(
                .handedOver, at: t0.addingTimeInterval(5), agency: "000.00.01.H53", since: t0.addingTimeInterval(5),
                packetId: "B",
                by: "Trần Thị B", arrivalNumber: 7, registered: "paper"),
            FallbackRecord(.routeRestored, at: t0.addingTimeInterval(9), agency: "000.00.01.H53"),
            FallbackRecord(
                .delivered, at: t0.addingTimeInterval(9), agency: "000.00.01.H53", since: t0.addingTimeInterval(9),
                packetId: "A"),
            FallbackRecord(
                .delivered, at: t0.addingTimeInterval(9), agency: "000.00.01.H53", since: t0.addingTimeInterval(9),
                packetId: "B"),
            // A second hand-over or a delivery of an unknown entry changes nothing.
            FallbackRecord(
                .handedOver, at: t0.addingTimeInterval(10), agency: "000.00.01.H53", packetId: "B", by: "someone else"),
            FallbackRecord(.delivered, at: t0.addingTimeInterval(10), agency: "000.00.02.H53", packetId: "A"),
            FallbackRecord(
                .incidentClosed, at: t0.addingTimeInterval(10), incident: "SC-1", end: t0.addingTimeInterval(9),
                workingSeconds: 9),
        ]
        let state = FallbackState(records)
        #expect(state.openIncident == nil && state.incidents.count == 1)
        #expect(state.incidents[0].workingSeconds == 9 && state.incidents[0].end == t0.addingTimeInterval(9))
        #expect(state.entries.map(\.document.packetId) == ["A", "B"])
        #expect(
            state.entry("A 000.00.01.H53")?.incidents == ["SC-1"]
                && state.entry("A 000.00.01.H53")?.state == "delivered")
        #expect(
            state.entry("B 000.00.01.H53")?.state == "reconciled"
                && state.entry("B 000.00.01.H53")?.handover?.by == "Trần Thị B")
        #expect(state.entry("B 000.00.01.H53")?.handover?.arrivalNumber == 7)
        // Cut anywhere, the replay gives what was true at that point.
        let midway = FallbackState(Array(records.prefix(6)))
        #expect(midway.openIncident?.id == "SC-1" && midway.failing["000.00.01.H53"] != nil)
        #expect(midway.entries.map(\.state) == ["waiting", "handed-over"])
    }

    @Test func twoWritersAppendWholeRecordsAndSeeEachOther() throws {
        let path = directory.file("shared")
        let first = FallbackLog(directory: path)
        let second = FallbackLog(directory: path)
        let at = Date(timeIntervalSince1970: 1_795_500_000)
        var offset = try first.update(from: 0) { _ in [FallbackRecord(.document, at: at, document: document("A"))] }
        try second.append([FallbackRecord(.document, at: at, document: document("B"))])
        var seen: [FallbackRecord] = []
        offset = try first.update(from: offset) { others in
            seen = others
            return []
        }
        #expect(seen.map { $0.document?.packetId } == ["B"] && offset == first.size())
    }
}
