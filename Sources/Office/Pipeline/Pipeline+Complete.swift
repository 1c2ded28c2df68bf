#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Ledger
import Packets

extension Pipeline {
    /// Files fully delivered jobs: the originals, with a status file, move from the claim to
    /// `agencies/<code>/sent/<packet-id> <number>/`, so the clerk sees what was sent and when.
    func complete(_ jobs: [Job]) throws {
        guard !jobs.isEmpty else { return }
        var folders: Set<String> = []
        var statusFiles: [String] = []
        var events: [JournalEvent] = []
        let names = roster.agencies.mapValues(\.name)
        for job in jobs {
            let sent = paths.sent(job.agency)
            if !FileSystem.exists(RawPath(sent)) { try Durable.makeDirectories(sent) }
            let status = SentStatus.text(job, names: names, timeZone: config.calendar.timeZone)
            try Durable.writeUnsynced(at: job.claim.directory + "/" + SentStatus.fileName, bytes: Array(status.utf8))
            let target = sent + "/" + SentStatus.folderName(job.id, document: job.metadata?.document ?? job.document)
            try move(RawPath(job.claim.directory), to: RawPath(target))
            statusFiles.append(target + "/" + SentStatus.fileName)
            folders.insert(sent)
            folders.insert(paths.claims(job.agency))
            events.append(JournalEvent("completed", [("packetId", .string(job.id.rawValue)),
                                                     ("sent", .string(spoolRelative(target)))]))
        }
        // The status files moved with their folders; their data, and the folders' new entries, go to disk now.
        try Durable.syncAll(Array(folders) + statusFiles)
        try record(events)
        for job in jobs { job.claim.finish() }
    }
}
