import DurableIO
import Foundation
import Ledger
import Packets

extension Pipeline {
    /// Moves staged packets from `state/staging` into `archive/YYYY/MM/`, durably, and records them.
    func publish(_ staged: [StagedPacket]) throws -> [PublishedPacket] {
        guard !staged.isEmpty else { return [] }
        try Durable.syncAll(staged.flatMap { [$0.path, $0.path + ".json"] })
        var months: Set<String> = []
        var events: [LedgerEvent] = []
        var published: [PublishedPacket] = []
        for packet in staged {
            let month = paths.archiveMonth(packet.id)
            if !FileSystem.exists(RawPath(month)) { try Durable.makeDirectories(month) }
            let archive = paths.archiveFile(packet.id, format: config.archiveFormat.fileExtension)
            let sidecar = month + "/" + packet.id.rawValue + ".json"
            try FileSystem.renameNoReplace(RawPath(packet.path), RawPath(archive))
            try FileSystem.rename(RawPath(packet.path + ".json"), RawPath(sidecar))
            months.insert(month)
            published.append(
                PublishedPacket(
                    claim: packet.drop.claim, metadata: packet.built.metadata, archivePath: archive,
                    droppedAt: packet.drop.claimed.droppedAt))
            events.append(
                packedEvent(
                    packet.built.metadata, archive: archive, sha256: packet.built.archiveSHA256,
                    size: packet.built.archiveSize))
        }
        try Durable.syncAll(Array(months) + [paths.archiveStaging])
        try record(events)
        let now = Date()
        for packet in published {
            if let dropped = packet.droppedAt { OfficeMetrics.archived(droppedAt: dropped, at: now) }
        }
        recorder.catalog(published.map(\.metadata), names: roster.routes.names, logger: logger)
        for packet in published {
            logger.info(
                "packed",
                metadata: [
                    "packet": "\(packet.id)", "agency": "\(packet.sender)",
                    "document": "\(packet.document.numberAndNotation)",
                ])
        }
        return published
    }

    /// The journal record of an archived packet: enough to rebuild the index without opening the archive.
    func packedEvent(_ metadata: PacketMetadata, archive: String, sha256: String?, size: Int64?) -> LedgerEvent {
        .packed(PacketRecord.packet(metadata, archive: paths.spoolRelative(archive), sha256: sha256, size: size))
    }
}
