#if canImport(Glibc)
#endif
import DurableIO
import Foundation
import Glibc
import Intake
import Ledger
import Packets
import Signing

extension Pipeline {
    /// Finishes every claim no live process holds (this one's after a crash, or another daemon's that stopped):
    /// rejections are completed, archived packets delivered and filed, and the rest built from the claim. Nothing
    /// is done twice: a packet is archived under its claim's id once, an inbox folder is made once.
    func recover() throws {
        recoveries += 1
        var fresh: [Job] = []
        var archived: [Job] = []
        for code in roster.agencies.keys.sorted() {
            let root = paths.claims(code)
            let entries = try Directory.entries(root)
            removeStaleLocks(entries, agency: code)
            for entry in entries where entry.kind == .directory {
                guard let name = entry.name.string, let id = PacketID(name),
                      let claim = try Claim.resume(code, id: id, paths: paths) else { continue }
                do {
                    if try resumeRejection(claim) { continue }
                    if try claim.contents().isEmpty {
                        // Stopped between making the claim folder and moving the first file in: nothing was taken.
                        claim.abandon()
                        continue
                    }
                    let job = Job(claim: claim)
                    if try restoreArchived(job) {
                        archived.append(job)
                    } else {
                        try reclaimDocuments(job)
                        fresh.append(job)
                    }
                    logger.notice("recovering an unfinished claim", metadata: ["packet": "\(id)", "agency": "\(code)"])
                } catch let error as JournalDamagedError {
                    throw error
                } catch {
                    if Self.isStorageFailure(error) { storageFailed(error, path: claim.directory) }
                    logger.error("cannot recover a claim; it is kept for the next try", metadata: ["packet": "\(id)", "error": "\(error)"])
                }
            }
        }
        deliveries.resumeArrivals(roster.routes.inboxes, routes: roster.routes)
        if !fresh.isEmpty { try run(fresh) }
        if !archived.isEmpty {
            let routes = roster.routes
            try deliveries.deliver(archived, routes: routes)
            try deliveries.complete(archived.filter { $0.pending.isEmpty }, routes: routes)
            waiting += archived.filter { !$0.pending.isEmpty }
            collected? += archived
        }
    }

    /// Lock files whose claim is gone (the process stopped after filing the claim under sent/ or rejected/, before
    /// removing its lock) are removed once nobody holds them.
    private func removeStaleLocks(_ entries: [DirectoryEntry], agency: AgencyCode) {
        let folders = Set(entries.filter { $0.kind == .directory }.compactMap(\.name.string))
        for entry in entries where entry.kind == .file {
            guard let name = entry.name.string, name.hasSuffix(".lock"), let id = PacketID(String(name.dropLast(5))),
                  !folders.contains(id.rawValue) else { continue }
            // Finding no folder, `resume` takes the lock if it is free and removes the file.
            _ = try? Claim.resume(agency, id: id, paths: paths)
        }
    }

    /// When the claim's packet reached the archive before the crash, loads it and works out what is still to do.
    private func restoreArchived(_ job: Job) throws -> Bool {
        for format in ["tar", "zip"] {
            unlink(paths.archiveStaging + "/" + job.id.rawValue + "." + format)
            unlink(paths.archiveStaging + "/" + job.id.rawValue + "." + format + ".json")
        }
        guard let archive = ["tar", "zip"].map({ paths.archiveFile(job.id, format: $0) }).first(where: { FileSystem.exists(RawPath($0)) }) else {
            return false
        }
        let packet = try ArchivedPacket.read(archive)
        job.archivePath = archive
        job.metadata = packet.metadata
        job.document = packet.metadata.document
        job.metadataBytes = packet.metadataBytes
        job.signature = packet.signature
        let sidecar = paths.archiveMonth(job.id) + "/" + job.id.rawValue + ".json"
        if !FileSystem.exists(RawPath(sidecar)) { try Durable.writeFile(at: sidecar, bytes: packet.metadataBytes) }
        if try !index.hasPacket(job.id.rawValue) {
            let digest = try PacketRecord.digest(archive)
            try record([packedEvent(job, archive: archive, sha256: digest.sha256, size: digest.size)])
        }
        // What is left: every recipient not yet both delivered to and registered at, and not refused. Delivery
        // finds what already landed in an inbox and records only what the journal lacks.
        let refused = try index.refusals(job.id.rawValue)
        for recipient in packet.metadata.document.to where !refused.contains(recipient.rawValue) {
            if try index.arrivalNumber(packetId: job.id.rawValue, agency: recipient.rawValue) == nil {
                job.pending.append(recipient)
            } else if let date = try index.deliveries(job.id.rawValue)[recipient.rawValue] {
                job.delivered.append((recipient, date))
            }
        }
        return true
    }

    /// A pair claimed halfway: its sidecar is in the claim, some documents may still be in the outbox.
    private func reclaimDocuments(_ job: Job) throws {
        let entries = try job.claim.contents()
        guard !entries.contains(where: { $0.kind == .directory }),
              let sidecar = entries.first(where: { $0.kind == .file && Drop.isSidecarName($0.name) }) else { return }
        let outbox = spool.outbox(job.agency)
        let listing = try OutboxScanner.scan(outbox, agency: job.agency)
        let stem = Array(sidecar.name.bytes.dropLast(5))
        let left = listing.waiting.filter { $0.problem == .missingSidecar }
            .map(\.name).filter { $0.bytes == stem || OutboxScanner.stem(of: $0.bytes) == stem }
        try job.claim.takeDocuments(left, from: outbox)
    }
}
