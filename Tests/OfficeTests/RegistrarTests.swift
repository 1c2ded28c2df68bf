import Foundation
import Ledger
import Packets
import Spool
import TestSupport
import Testing
import WorkingTime

@testable import Office

/// Arrival numbers (số đến) with an injected clock.
@Suite struct RegistrarTests {
    let directory = TemporaryDirectory()
    let recipient = AgencyCode("000.00.01.H53")!

    final class Clock: @unchecked Sendable {
        // Sendable: set only by the test between calls, never while the registrar reads it.
        var now = Date()
    }

    func registrar(_ clock: Clock) throws -> Registrar {
        let journal = try Journal(path: directory.file("journal.jsonl"))
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        return Registrar(
            recorder: Recorder(journal: journal, index: index), calendar: WorkingCalendar(OfficeConfig().calendar),
            clock: OfficeClock(now: { clock.now }))
    }

    /// A packet id for each letter the tests name their packets by.
    let ids = Dictionary(uniqueKeysWithValues: ["A", "B", "C", "M", "T"].map { ($0, PacketID.make()) })

    /// The delivery of packet `name` to `recipient`.
    func key(_ name: String) -> DeliveryKey { DeliveryKey(packet: ids[name]!, recipient: recipient) }

    func arrival(_ id: String, secrecy: Secrecy? = nil, at date: Date) -> Arrival {
        Arrival(packetId: ids[id]!, recipient: recipient, secrecy: secrecy, arrivedAt: date, documents: .array([]))
    }

    @Test func numbersRestartAtOneOnTheFirstOfJanuaryInTheOfficesTimeZone() throws {
        let clock = Clock()
        let registrar = try registrar(clock)
        // 31 December 2026, 16:59 in Hà Nội.
        clock.now = Timestamp.parse("2026-12-31T16:59:00+07:00")!
        let december = try registrar.register([arrival("A", at: clock.now), arrival("B", at: clock.now)])
        #expect(december[key("A")]?.number == 1 && december[key("B")]?.number == 2)
        // 17:30 UTC on 31 December is already 00:30 on 1 January 2027 in Hà Nội: a new series.
        clock.now = Timestamp.parse("2026-12-31T17:30:00Z")!
        let january = try registrar.register([arrival("C", at: clock.now)])
        #expect(january[key("C")]?.number == 1)
        // Registering again gives the same numbers, never new ones.
        #expect(try registrar.register([arrival("A", at: clock.now)])[key("A")]?.number == 1)
    }

    @Test func secretDocumentsHaveTheirOwnSeriesAndLateReceiptsAreFlagged() throws {
        let clock = Clock()
        let registrar = try registrar(clock)
        let arrived = Timestamp.parse("2026-11-24T16:00:00+07:00")!
        clock.now = arrived
        let numbers = try registrar.register([
            arrival("A", at: arrived), arrival("M", secrecy: .mat, at: arrived),
            arrival("B", at: arrived), arrival("T", secrecy: .tuyetMat, at: arrived),
        ])
        #expect(numbers.mapValues(\.number) == [key("A"): 1, key("B"): 2, key("M"): 1, key("T"): 2])
        #expect(numbers.values.allSatisfy { !$0.late })
        // Arrived at 16:00, registered at 18:00: after the end of that working day (Decree 30/2020 Art 21.2).
        clock.now = Timestamp.parse("2026-11-24T18:00:00+07:00")!
        #expect(try registrar.register([arrival("C", at: arrived)])[key("C")]?.late == true)
    }
}
