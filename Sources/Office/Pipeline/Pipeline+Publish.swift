import DurableIO
import Foundation
import Ledger
import Packets

extension Pipeline {
    /// Moves built packets from staging into `archive/YYYY/MM/`, durably, and records them.
    func publish(_ jobs: [Job]) throws {
        guard !jobs.isEmpty else { return }
        try Durable.syncAll(jobs.compactMap(\.stagingPath).flatMap { [$0, $0 + ".json"] })
        var months: Set<String> = []
        var events: [LedgerEvent] = []
        for job in jobs {
            guard let staging = job.stagingPath, let built = job.built else { continue }
            let month = paths.archiveMonth(job.id)
            if !FileSystem.exists(RawPath(month)) { try Durable.makeDirectories(month) }
            let archive = paths.archiveFile(job.id, format: config.archiveFormat.fileExtension)
            let sidecar = month + "/" + job.id.rawValue + ".json"
            try FileSystem.renameNoReplace(RawPath(staging), RawPath(archive))
            try FileSystem.rename(RawPath(staging + ".json"), RawPath(sidecar))
            months.insert(month)
            job.archivePath = archive
            events.append(try packedEvent(job, archive: archive, sha256: built.archiveSHA256, size: built.archiveSize))
        }
        try Durable.syncAll(Array(months) + [paths.archiveStaging])
        try record(events)
        let now = Date()
        for job in jobs { if let dropped = job.droppedAt { OfficeMetrics.archived(droppedAt: dropped, at: now) } }
        recorder.catalog(jobs.compactMap(\.metadata), names: roster.routes.names, logger: logger)
        for job in jobs {
            logger.info("packed", metadata: ["packet": "\(job.id)", "agency": "\(job.agency)",
                                             "document": "\(job.document?.numberAndNotation ?? "")"])
        }
    }

    /// The journal record of an archived packet: enough to rebuild the index without opening the archive.
    /// Every caller has set the job's metadata; without it there is no record to write.
    func packedEvent(_ job: Job, archive: String, sha256: String?, size: Int64?) throws -> LedgerEvent {
        guard let metadata = job.metadata else { throw FileError("record (no metadata)", path: job.id.rawValue, code: EINVAL) }
        return .packed(PacketRecord.packet(metadata, archive: paths.spoolRelative(archive), sha256: sha256, size: size))
    }
}
