import Foundation
import Ledger
import Packets
import TestSupport
import Testing

@Suite struct LedgerIndexTests {
    let directory = TemporaryDirectory()

    func document(number: String, notation: String = "QĐ-UBND", year: Int = 2026) throws -> ClerkSidecar {
        var sidecar = try SidecarParser().parse(Array(Fixtures.sidecar(number: number).utf8))
        sidecar.codeNotation = notation
        sidecar.issuedDate = CalendarDate(year: year, month: 3, day: 1)!
        return sidecar
    }

    @Test func aNumberAndSymbolIsUsedOnceAYearPerAgency() throws {
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        let sender = AgencyCode("000.00.00.H53")!
        let other = AgencyCode("000.00.01.H53")!
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5")), for: "A") == nil)
        // Idempotent.
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5")), for: "A") == nil)
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "05")), for: "B") == "A")
        #expect(
            try index.reserve(
                DocumentNumber(agency: sender, document: document(number: "5", notation: "qđ-ubnd")), for: "B") == "A")
        #expect(
            try index.reserve(
                DocumentNumber(agency: sender, document: document(number: "5", notation: "CV-UBND")), for: "C") == nil)
        #expect(try index.reserve(DocumentNumber(agency: other, document: document(number: "5")), for: "D") == nil)
        // Decree 30/2020 Art 15: numbering restarts on 1 January.
        #expect(
            try index.reserve(DocumentNumber(agency: sender, document: document(number: "5", year: 2027)), for: "E")
                == nil)
        try index.release(packetId: "A")
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5")), for: "B") == nil)
    }

    @Test func catchesUpWithTheJournalFromWhereItStopped() throws {
        let journal = try Journal(path: directory.file("journal.jsonl"))
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        let p1 = PacketID("20261124-030000-001-ABCDEFGHJK")!
        try journal.append(
            .packed(
                LedgerPacket(
                    packetId: p1, sender: AgencyCode("000.00.00.H53")!, codeNumber: "1", codeNotation: "QĐ-UBND",
                    issuedDate: "2026-11-24", typeName: "", subject: "", priority: "thuong", secrecy: nil,
                    to: [AgencyCode("000.00.01.H53")!], files: [], packedAt: nil, archive: "", sha256: nil,
                    size: nil)))
        try index.catchUp(with: journal)
        try journal.append(.delivered(packetId: p1, recipient: AgencyCode("000.00.01.H53")!, path: ""))
        try index.catchUp(with: journal)
        try index.catchUp(with: journal)  // nothing new: nothing changes
        #expect(try index.counts().packets == 1 && index.counts().deliveries == 1)
        #expect(try index.deliveries(p1.rawValue).keys.sorted() == ["000.00.01.H53"])
        #expect(try index.lastSequence() == 2)
        #expect(
            try index.reserve(
                DocumentNumber(agency: AgencyCode("000.00.00.H53")!, document: document(number: "1")), for: "P2")
                == p1.rawValue)
    }
}
