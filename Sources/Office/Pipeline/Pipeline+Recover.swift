import DurableIO
import Foundation
import Intake
import Ledger
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

extension Pipeline {
    /// Finishes every claim no live process holds (this one's after a crash, or another daemon's that stopped):
    /// rejections are completed, archived packets delivered and filed, and the rest built from the claim. Nothing
    /// is done twice: a packet is archived under its claim's id once, an inbox folder is made once.
    func recover() throws {
        recoveries += 1
        var fresh: [ClaimedDrop] = []
        var archived: [Shipment] = []
        for code in roster.agencies.keys.sorted() {
            let root = paths.claims(code)
            let entries = try Directory.entries(root)
            removeStaleLocks(entries, agency: code)
            for entry in entries where entry.kind == .directory {
                guard let name = entry.name.string, let id = PacketID(name),
                    let claim = try Claim.resume(code, id: id, paths: paths)
                else { continue }
                do {
                    if try resumeRejection(claim) { continue }
                    if try claim.contents().isEmpty {
                        // Stopped between making the claim folder and moving the first file in: nothing was taken.
                        claim.abandon()
                        continue
                    }
                    if let shipment = try restoreArchived(claim, id: id) {
                        archived.append(shipment)
                    } else {
                        try reclaimDocuments(claim)
                        fresh.append(ClaimedDrop(claim: claim, id: id, droppedAt: nil))
                    }
                    logger.notice("recovering an unfinished claim", metadata: ["packet": "\(id)", "agency": "\(code)"])
                } catch let error as JournalDamagedError {
                    throw error
                } catch {
                    if Self.isStorageFailure(error) { storageFailed(error, path: claim.directory) }
                    logger.error(
                        "cannot recover a claim; it is kept for the next try",
                        metadata: ["packet": "\(id)", "error": "\(error)"])
                }
            }
        }
        arrivals.resume(roster.routes.inboxes, routes: roster.routes)
        if !fresh.isEmpty { try run(fresh) }
        try ship(archived)
    }

    /// Lock files whose claim is gone (the process stopped after filing the claim under sent/ or rejected/, before
    /// removing its lock) are removed once nobody holds them.
    private func removeStaleLocks(_ entries: [DirectoryEntry], agency: AgencyCode) {
        let folders = Set(entries.filter { $0.kind == .directory }.compactMap(\.name.string))
        for entry in entries where entry.kind == .file {
            guard let name = entry.name.string, name.hasSuffix(".lock"), let id = PacketID(String(name.dropLast(5))),
                !folders.contains(id.rawValue)
            else { continue }
            // Finding no folder, `resume` takes the lock if it is free and removes the file.
            _ = try? Claim.resume(agency, id: id, paths: paths)
        }
    }

    /// When the claim's packet reached the archive before the crash, loads it and works out what is still to do.
    private func restoreArchived(_ claim: Claim, id: PacketID) throws -> Shipment? {
        for format in ["tar", "zip"] {
            unlink(paths.archiveStaging + "/" + id.rawValue + "." + format)
            unlink(paths.archiveStaging + "/" + id.rawValue + "." + format + ".json")
        }
        guard
            let archive = ["tar", "zip"].map({ paths.archiveFile(id, format: $0) }).first(where: {
                FileSystem.exists(RawPath($0))
            })
        else {
            return nil
        }
        let packet = try ArchivedPacket.read(archive)
        let sidecar = paths.archiveMonth(id) + "/" + id.rawValue + ".json"
        if !FileSystem.exists(RawPath(sidecar)) { try Durable.writeFile(at: sidecar, bytes: packet.metadataBytes) }
        if try !index.hasPacket(id.rawValue) {
            let digest = try PacketRecord.digest(archive)
            try record([packedEvent(packet.metadata, archive: archive, sha256: digest.sha256, size: digest.size)])
        }
        // What is left: every recipient not yet both delivered to and registered at, and not refused. Delivery
        // finds what already landed in an inbox and records only what the journal lacks.
        var shipment = Shipment(
            PublishedPacket(claim: claim, metadata: packet.metadata, archivePath: archive, droppedAt: nil), pending: [])
        let refused = try index.refusals(id.rawValue)
        for recipient in packet.metadata.document.to where !refused.contains(recipient.rawValue) {
            if try index.arrivalNumber(packetId: id.rawValue, agency: recipient.rawValue) == nil {
                shipment.pending.append(recipient)
            } else if let date = try index.deliveries(id.rawValue)[recipient.rawValue] {
                shipment.delivered.append((recipient, date))
            }
        }
        return shipment
    }

    /// A pair claimed halfway: its sidecar is in the claim, some documents may still be in the outbox.
    private func reclaimDocuments(_ claim: Claim) throws {
        let entries = try claim.contents()
        guard !entries.contains(where: { $0.kind == .directory }),
            let sidecar = entries.first(where: { $0.kind == .file && Drop.isSidecarName($0.name) })
        else { return }
        let outbox = spool.outbox(claim.agency)
        let listing = try OutboxScanner.scan(outbox, agency: claim.agency)
        let stem = Array(sidecar.name.bytes.dropLast(5))
        // The documents it was claimed with: of its exact name, or (for a pair matched by names that differ only in
        // accents, case or spaces) of its folded name.
        let folded = NearNames.key(String(decoding: stem, as: UTF8.self))
        let left = listing.waiting.filter { $0.problem == .missingSidecar }
            .map(\.name).filter {
                $0.bytes == stem || OutboxScanner.stem(of: $0.bytes) == stem
                    || NearNames.key(String(decoding: OutboxScanner.stem(of: $0.bytes), as: UTF8.self)) == folded
            }
        try claim.takeDocuments(left, from: outbox)
    }
}
