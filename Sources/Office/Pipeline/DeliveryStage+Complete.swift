import DurableIO
import Foundation
import Ledger
import Packets

#if canImport(Glibc)
import Glibc
#endif

extension DeliveryStage {
    /// Files shipments every recipient has: the originals, with a status file, move from the claim to
    /// `agencies/<code>/sent/<packet-id> <number>/`, so the clerk sees what was sent and when.
    func complete(_ shipments: [Shipment], routes: Routes) throws {
        guard !shipments.isEmpty else { return }
        // Recorded first, then moved: a crash in between leaves the claim, which recovery moves without
        // recording it twice.
        var events: [LedgerEvent] = []
        var targets: [String] = []
        for shipment in shipments {
            let target =
                paths.sent(shipment.packet.sender) + "/"
                + SentStatus.folderName(shipment.id, document: shipment.packet.document)
            targets.append(target)
            if try !recorder.index.isCompleted(shipment.id.rawValue) {
                events.append(.completed(packetId: shipment.id, sent: paths.spoolRelative(target)))
            }
        }
        try recorder.record(events)
        var folders: Set<String> = []
        var statusFiles: [String] = []
        for (shipment, target) in zip(shipments, targets) {
            let claim = shipment.packet.claim
            let sent = paths.sent(claim.agency)
            if !FileSystem.exists(RawPath(sent)) { try Durable.makeDirectories(sent) }
            let paired = SentStatus.nearPairing((try? claim.contents().map(\.name)) ?? [])
            let status = SentStatus.text(
                shipment, names: routes.names, timeZone: config.calendar.timeZone, nearPairing: paired)
            try Durable.writeUnsynced(at: claim.directory + "/" + SentStatus.fileName, bytes: Array(status.utf8))
            try Mover.move(RawPath(claim.directory), to: RawPath(target))
            statusFiles.append(target + "/" + SentStatus.fileName)
            folders.insert(sent)
            folders.insert(paths.claims(claim.agency))
        }
        // The status files moved with their folders; their data, and the folders' new entries, go to disk now.
        try Durable.syncAll(Array(folders) + statusFiles)
        for shipment in shipments { shipment.packet.claim.finish() }
    }
}
