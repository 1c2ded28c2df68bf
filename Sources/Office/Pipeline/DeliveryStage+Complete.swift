#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Ledger
import Packets

extension DeliveryStage {
    /// Files fully delivered jobs: the originals, with a status file, move from the claim to
    /// `agencies/<code>/sent/<packet-id> <number>/`, so the clerk sees what was sent and when.
    func complete(_ jobs: [Job], routes: Routes) throws {
        guard !jobs.isEmpty else { return }
        // Recorded first, then moved: a crash in between leaves the claim, which recovery moves without
        // recording it twice.
        var events: [LedgerEvent] = []
        var targets: [String] = []
        for job in jobs {
            let target = paths.sent(job.agency) + "/" + SentStatus.folderName(job.id, document: job.metadata?.document ?? job.document)
            targets.append(target)
            if try !recorder.index.isCompleted(job.id.rawValue) {
                events.append(.completed(packetId: job.id, sent: paths.spoolRelative(target)))
            }
        }
        try recorder.record(events)
        var folders: Set<String> = []
        var statusFiles: [String] = []
        for (job, target) in zip(jobs, targets) {
            let sent = paths.sent(job.agency)
            if !FileSystem.exists(RawPath(sent)) { try Durable.makeDirectories(sent) }
            let status = SentStatus.text(job, names: routes.names, timeZone: config.calendar.timeZone)
            try Durable.writeUnsynced(at: job.claim.directory + "/" + SentStatus.fileName, bytes: Array(status.utf8))
            try Mover.move(RawPath(job.claim.directory), to: RawPath(target))
            statusFiles.append(target + "/" + SentStatus.fileName)
            folders.insert(sent)
            folders.insert(paths.claims(job.agency))
        }
        // The status files moved with their folders; their data, and the folders' new entries, go to disk now.
        try Durable.syncAll(Array(folders) + statusFiles)
        for job in jobs { job.claim.finish() }
    }
}
