import Foundation
import Ledger
import Packets
import Spool

extension Pipeline {
    /// Where each shipment's pending recipients are to be delivered now. A recipient that retired (`agency retire`,
    /// `agency merge`, effective by now) is replaced by its successor, and the change journaled (`redirected`) once;
    /// one that retired with no successor is given up (`undelivered`), the sender told why. Deliveries an admin gave
    /// up (`queue drop`) leave the pending list. A shipment already at the successor is not delivered twice.
    func redirect(_ shipments: [Shipment]) throws -> [Shipment] {
        let directory = roster.directory
        let now = clock.now()
        var events: [LedgerEvent] = []
        var result: [Shipment] = []
        for var shipment in shipments {
            let id = shipment.id.rawValue
            let recorded = try index.redirects(id)
            let givenUp = try index.undelivered(id)
            var pending: [AgencyCode] = []
            for recipient in shipment.pending {
                if let reason = givenUp[recipient.rawValue] {
                    shipment.undelivered[recipient] = reason
                    continue
                }
                let successor: AgencyCode?
                if let earlier = recorded[recipient.rawValue].flatMap(AgencyCode.init) {
                    successor = directory.addressee(earlier, at: now) ?? earlier
                } else if directory.agencies[recipient] == nil {
                    successor = recipient  // not an agency of this office (any more): waits as before, logged
                } else {
                    successor = directory.addressee(recipient, at: now)
                }
                guard let successor else {
                    let reason = Self.retiredWithoutSuccessor(recipient, directory)
                    events.append(
                        .undelivered(packetId: shipment.id, recipient: recipient, reason: reason, by: "office"))
                    shipment.undelivered[recipient] = reason
                    continue
                }
                if successor != recipient {
                    if recorded[recipient.rawValue] != successor.rawValue {
                        events.append(.redirected(packetId: shipment.id, from: recipient, to: successor))
                        logger.info(
                            "delivery redirected to the successor of a retired agency",
                            metadata: ["packet": "\(shipment.id)", "from": "\(recipient)", "to": "\(successor)"])
                    }
                    shipment.redirects[recipient] = successor
                }
                // At a successor, a packet it already holds (sent to it as well, and registered) is not delivered again;
                // a recipient's own paper hand-over (fallback) is still followed by the electronic copy.
                let registered =
                    try successor != recipient && index.arrivalNumber(packetId: id, agency: successor.rawValue) != nil
                let done =
                    registered || shipment.delivered.contains { $0.recipient == successor }
                    || shipment.refusals[successor] != nil
                if !done, !pending.contains(successor) { pending.append(successor) }
            }
            shipment.pending = pending
            result.append(shipment)
        }
        try record(events)
        return result
    }

    /// Why a delivery to an agency that retired with no successor was given up, in the journal's words.
    static func retiredWithoutSuccessor(_ code: AgencyCode, _ directory: AgencyDirectory) -> String {
        let name = directory.agencies[code]?.name ?? code.rawValue
        return "\(name) (\(code)) đã ngừng hoạt động, không có cơ quan kế thừa — retired with no successor"
    }
}
