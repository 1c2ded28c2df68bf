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
        var events: [JournalEvent] = []
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
            events.append(packedEvent(job, archive: archive, sha256: built.archiveSHA256, size: built.archiveSize))
        }
        try Durable.syncAll(Array(months) + [paths.archiveStaging])
        try record(events)
        for job in jobs {
            logger.info("packed", metadata: ["packet": "\(job.id)", "agency": "\(job.agency)",
                                             "document": "\(job.document?.numberAndNotation ?? "")"])
        }
    }

    /// The journal record of an archived packet: enough to rebuild the index without opening the archive.
    func packedEvent(_ job: Job, archive: String, sha256: String?, size: Int64?) -> JournalEvent {
        let metadata = job.metadata
        let document = metadata?.document ?? job.document
        var fields: [(String, JSONValue)] = [
            ("packetId", .string(job.id.rawValue)),
            ("sender", .string(job.agency.rawValue)),
            ("codeNumber", .string(document?.codeNumber ?? "")),
            ("codeNotation", .string(document?.codeNotation ?? "")),
            ("issuedDate", .string(document?.issuedDate.description ?? "")),
            ("typeName", .string(document?.typeName ?? "")),
            ("subject", .string(document?.subject ?? "")),
            ("priority", .string(document?.priority.rawValue ?? "thuong")),
        ]
        if let secrecy = document?.secrecy { fields.append(("secrecy", .string(secrecy.rawValue))) }
        fields.append(("to", .array((document?.to ?? []).map { .string($0.rawValue) })))
        fields.append(("files", .array((metadata?.files ?? []).map { .string($0.name) })))
        if let packedAt = metadata?.packedAt { fields.append(("packedAt", .string(packedAt))) }
        fields.append(("archive", .string(spoolRelative(archive))))
        if let sha256 { fields.append(("sha256", .string(sha256))) }
        if let size { fields.append(("size", .integer(size))) }
        return JournalEvent("packed", fields)
    }
}
