import Foundation
import Ledger
import Packets
import Testing
import TestSupport

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
        let sender = AgencyCode("000.00.00.H53")!, other = AgencyCode("000.00.01.H53")!
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5")), for: "A") == nil)
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5")), for: "A") == nil)  // idempotent
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "05")), for: "B") == "A")
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5", notation: "qđ-ubnd")), for: "B") == "A")
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5", notation: "CV-UBND")), for: "C") == nil)
        #expect(try index.reserve(DocumentNumber(agency: other, document: document(number: "5")), for: "D") == nil)
        // Decree 30/2020 Art 15: numbering restarts on 1 January.
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5", year: 2027)), for: "E") == nil)
        try index.release(packetId: "A")
        #expect(try index.reserve(DocumentNumber(agency: sender, document: document(number: "5")), for: "B") == nil)
    }

    @Test func catchesUpWithTheJournalFromWhereItStopped() throws {
        let journal = try Journal(path: directory.file("journal.jsonl"))
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        try journal.append(JournalEvent("packed", [("packetId", .string("P1")), ("sender", .string("000.00.00.H53")),
                                                   ("codeNumber", .string("1")), ("codeNotation", .string("QĐ-UBND")),
                                                   ("issuedDate", .string("2026-11-24")), ("to", .array([.string("000.00.01.H53")]))]))
        try index.catchUp(with: journal)
        try journal.append(JournalEvent("delivered", [("packetId", .string("P1")), ("recipient", .string("000.00.01.H53"))]))
        try index.catchUp(with: journal)
        try index.catchUp(with: journal)  // nothing new: nothing changes
        #expect(try index.counts().packets == 1 && index.counts().deliveries == 1)
        #expect(try index.deliveries("P1").keys.sorted() == ["000.00.01.H53"])
        #expect(try index.lastSequence() == 2)
        #expect(try index.reserve(DocumentNumber(agency: AgencyCode("000.00.00.H53")!, document: document(number: "1")), for: "P2") == "P1")
    }
}
