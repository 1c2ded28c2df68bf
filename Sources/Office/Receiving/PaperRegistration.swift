import Fallback
import Foundation
import Ledger
import Packets
import Spool
import WorkingTime

extension FallbackDesk {
    /// Records that the paper copy of `packetId` was handed over to `recipient` at `at` (received by `by`), and
    /// registers it at the recipient unless the electronic copy arrived first (the sender then gets the 03 status).
    public func handOver(packetId: String, to recipient: AgencyCode, at: Date, by: String?) throws -> Handover {
        try handOver(packetId: packetId, to: recipient, at: at, by: by) { document, at, by in
            try registerPaper(document, at: at, by: by)
        }
    }

    /// Registers the paper copy at its recipient (unless it is registered already) and tells the sender (03).
    func registerPaper(_ document: FallbackDocument, at: Date, by: String?) throws -> (Int64, Bool) {
        guard let recipient = AgencyCode(document.recipient), let sender = AgencyCode(document.sender),
            let packetId = PacketID(document.packetId)
        else {
            throw HandoverError(description: "the log entry names no valid agency")
        }
        let journal = try Journal(path: spool.state + "/journal.jsonl", timeZone: calendar.timeZone, clock: clock.now)
        let index = try LedgerIndex(path: spool.state + "/index.sqlite")
        try index.catchUp(with: journal)
        if let existing = try index.arrivalNumber(packetId: document.packetId, agency: recipient.rawValue) {
            return (existing, false)
        }
        let recorder = Recorder(journal: journal, index: index)
        let arrival = Arrival(
            packetId: packetId, recipient: recipient, secrecy: document.secrecy.flatMap(Secrecy.init(rawValue:)),
            arrivedAt: at, documents: .array([]), paper: PaperReceipt(receivedAt: at, receivedBy: by))
        let numbers = try Registrar(recorder: recorder, calendar: calendar, clock: clock).register([arrival])
        guard let receipt = numbers[DeliveryKey(packet: packetId, recipient: recipient)] else {
            throw HandoverError(description: "no arrival number was given")
        }
        if try !index.hasStatus(packetId: document.packetId, agency: recipient.rawValue, code: "03") {
            let status = StatusRecord(
                code: .accepted, packetId: document.packetId, sender: sender,
                numberAndNotation: document.numberAndNotation,
                issuedDate: CalendarDate(iso: document.issuedDate), recipient: recipient,
                recipientName: document.recipientName, at: receipt.at, arrivalNumber: receipt.number, late: receipt.late
            )
            try Receiver(
                spool: spool, calendar: calendar, paths: WorkPaths(spool: spool), recorder: recorder, clock: clock,
                logger: logger
            )
            .send([status])
        }
        return (receipt.number, true)
    }
}
