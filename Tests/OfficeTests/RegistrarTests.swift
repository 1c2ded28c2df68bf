import Foundation
import Ledger
@testable import Office
import WorkingTime
import Packets
import Spool
import Testing
import TestSupport

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
        return Registrar(recorder: Recorder(journal: journal, index: index), calendar: WorkingCalendar(OfficeConfig().calendar),
                         clock: OfficeClock(now: { clock.now }))
    }

    func arrival(_ id: String, secrecy: Secrecy? = nil, at date: Date) -> Arrival {
        Arrival(packetId: id, recipient: recipient, secrecy: secrecy, arrivedAt: date, documents: .array([]))
    }

    @Test func numbersRestartAtOneOnTheFirstOfJanuaryInTheOfficesTimeZone() throws {
        let clock = Clock()
        let registrar = try registrar(clock)
        // 31 December 2026, 16:59 in Hà Nội.
        clock.now = Timestamp.parse("2026-12-31T16:59:00+07:00")!
        let december = try registrar.register([arrival("A", at: clock.now), arrival("B", at: clock.now)])
        #expect(december["A \(recipient)"]?.number == 1 && december["B \(recipient)"]?.number == 2)
        // 17:30 UTC on 31 December is already 00:30 on 1 January 2027 in Hà Nội: a new series.
        clock.now = Timestamp.parse("2026-12-31T17:30:00Z")!
        let january = try registrar.register([arrival("C", at: clock.now)])
        #expect(january["C \(recipient)"]?.number == 1)
        // Registering again gives the same numbers, never new ones.
        #expect(try registrar.register([arrival("A", at: clock.now)])["A \(recipient)"]?.number == 1)
    }

    @Test func secretDocumentsHaveTheirOwnSeriesAndLateReceiptsAreFlagged() throws {
        let clock = Clock()
        let registrar = try registrar(clock)
        let arrived = Timestamp.parse("2026-11-24T16:00:00+07:00")!
        clock.now = arrived
        let numbers = try registrar.register([arrival("A", at: arrived), arrival("M", secrecy: .mat, at: arrived),
                                              arrival("B", at: arrived), arrival("T", secrecy: .tuyetMat, at: arrived)])
        #expect(numbers.mapValues(\.number) == ["A \(recipient)": 1, "B \(recipient)": 2, "M \(recipient)": 1, "T \(recipient)": 2])
        #expect(numbers.values.allSatisfy { !$0.late })
        // Arrived at 16:00, registered at 18:00: after the end of that working day (Decree 30/2020 Art 21.2).
        clock.now = Timestamp.parse("2026-11-24T18:00:00+07:00")!
        #expect(try registrar.register([arrival("C", at: arrived)])["C \(recipient)"]?.late == true)
    }
}
