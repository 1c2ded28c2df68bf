import Foundation
import Ledger
import Packets
import WorkingTime

/// One delivered packet to register at one recipient.
struct Arrival {
    let packetId: PacketID
    let recipient: AgencyCode
    let secrecy: Secrecy?
    /// When it arrived in the inbox.
    let arrivedAt: Date
    /// What the legal check found for each document.
    let documents: JSONValue
    /// Set when the paper copy was handed over during an outage and is registered before the electronic one comes.
    var paper: PaperReceipt?
}

/// A paper copy handed over to the recipient during an outage.
struct PaperReceipt {
    let receivedAt: Date
    let receivedBy: String?
}

/// Gives arrival numbers (số đến): per receiving agency and year, from 1, restarting on 1 January in the office's
/// time zone; secret documents in a series of their own. The number is decided while the journal is locked and
/// written in the same record that registers the packet, so a crash can neither skip nor repeat one.
struct Registrar {
    let recorder: Recorder
    let calendar: WorkingCalendar
    let clock: OfficeClock

    /// The series a document's arrival number belongs to.
    static func series(_ secrecy: Secrecy?) -> String { secrecy == nil ? "thuong" : "mat" }

    /// Registers every arrival not registered yet; returns the arrival numbers given (and those given before).
    func register(_ arrivals: [Arrival]) throws -> [DeliveryKey: Receipt] {
        guard !arrivals.isEmpty else { return [:] }
        let index = recorder.index
        var given: [DeliveryKey: Receipt] = [:]
        let now = clock.now()
        let thisYear = CalendarDate(now, in: calendar.timeZone).year
        try recorder.journal.append {
            try index.catchUp(with: recorder.journal)
            let closed = try index.closedYears()
            var next: [String: Int64] = [:]
            var events: [LedgerEvent] = []
            for arrival in arrivals {
                let key = DeliveryKey(packet: arrival.packetId, recipient: arrival.recipient)
                if let existing = try index.arrivalNumber(
                    packetId: arrival.packetId.rawValue, agency: arrival.recipient.rawValue)
                {
                    given[key] = Receipt(number: existing, at: now, late: false)
                    continue
                }
                // Nothing is added to a closed year (a clock set back into it): the next open one registers it.
                var year = thisYear
                while closed.contains(where: {
                    $0.year == year && ($0.agency == nil || $0.agency == arrival.recipient.rawValue)
                }) {
                    year += 1
                }
                let series = Self.series(arrival.secrecy)
                let counter = "\(arrival.recipient) \(year) \(series)"
                let number =
                    try next[counter] ?? index.lastArrivalNumber(
                        agency: arrival.recipient.rawValue, year: year, series: series) + 1
                next[counter] = number + 1
                // Decree 30/2020 Art 21.2: receipt is confirmed the same (working) day it arrives.
                let late = now > calendar.endOfWorkingDay(containing: arrival.arrivedAt)
                given[key] = Receipt(number: number, at: now, late: late)
                var registration = LedgerRegistration(
                    packetId: arrival.packetId.rawValue, recipient: arrival.recipient, year: Int64(year),
                    series: series, number: number, late: late, documents: arrival.documents)
                if let paper = arrival.paper {
                    registration.medium = "paper"
                    registration.receivedAt = Timestamp.string(paper.receivedAt, in: calendar.timeZone)
                    registration.receivedBy = paper.receivedBy
                }
                events.append(.registered(registration))
            }
            return events
        }
        try index.catchUp(with: recorder.journal)
        return given
    }
}
