#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Packets
import Signing

extension Pipeline {
    /// Builds the jobs' packets into `state/staging` (not yet synced: the batch is synced at once), several at a
    /// time. A packet that cannot be built is rejected and its number given back; returns the jobs that go on.
    func build(_ jobs: [Job]) -> [Job] {
        let format = config.archiveFormat
        do {
            try FileSystem.makeDirectory(RawPath(paths.archiveStaging), mode: 0o700)
        } catch {
            logger.error("cannot create the staging folder; the claims are kept and tried again", metadata: ["error": "\(error)"])
            return []
        }
        // Signers first, one after the other: loading a key fills the roster's cache.
        var ready: [(Job, PacketBuilder)] = []
        for job in jobs {
            guard let sender = roster.agencies[job.agency] else { continue }
            do {
                let signer = try roster.signer(job.agency)
                var builder = PacketBuilder(sender: PacketSender(organId: job.agency, organName: sender.name), signer: signer,
                                            format: format, timeZone: config.calendar.timeZone, clock: clock.now)
                builder.chunkSize = 1 << 20
                ready.append((job, builder))
            } catch {
                giveBack(job, .build(.signing("\(error)")))
            }
        }
        // Then the packets, in parallel: each reads its own documents and writes its own staging file.
        let outcomes = ready.parallelMap { job, builder in Self.build(job, with: builder, into: paths.archiveStaging) }
        var built: [Job] = []
        for ((job, _), outcome) in zip(ready, outcomes) {
            switch outcome {
            case .success(let packet):
                // Read and hashed: if a file changed since the claim (its copy went on), this is not what the clerk sent.
                let changed = job.claim.changedFiles(outbox: spool.outbox(job.agency))
                if !changed.isEmpty {
                    let staging = paths.archiveStaging + "/" + job.id.rawValue + "." + format.fileExtension
                    unlink(staging)
                    unlink(staging + ".json")
                    void(job, changed)
                    continue
                }
                job.built = packet
                job.metadata = packet.metadata
                job.metadataBytes = packet.metadataBytes
                job.signature = packet.signature
                job.stagingPath = paths.archiveStaging + "/" + job.id.rawValue + "." + format.fileExtension
                built.append(job)
            case .failure(PacketBuildError.changedWhilePacking(let path)):
                void(job, [(path as NSString).lastPathComponent])
            case .failure(let error as PacketBuildError) where Self.isOfficeStorage(error):
                // The office's own disk (state/staging) refused the packet: nothing is wrong with the drop. It stays
                // claimed, its number reserved under its id, and is built again once the disk has room.
                storageFailed(error, path: paths.archiveStaging)
                logger.error("cannot write a packet into state/staging; its claim is kept and tried again",
                             metadata: ["packet": "\(job.id)", "error": "\(error)"])
            case .failure(let error as PacketBuildError):
                giveBack(job, .build(error))
            case .failure(let error):
                if let error = error as? FileError, error.isStorageFailure { storageFailed(error, path: paths.archiveStaging) }
                logger.error("cannot build a packet; its claim is kept and tried again", metadata: ["packet": "\(job.id)", "error": "\(error)"])
            }
        }
        return built
    }

    /// One packet into `<staging>/<id>.<ext>`, with its metadata beside it as `<id>.<ext>.json`.
    private static func build(_ job: Job, with builder: PacketBuilder, into staging: String) -> Result<BuiltPacket, Error> {
        guard let document = job.document else { return .failure(PacketBuildError.noDocuments) }
        let path = staging + "/" + job.id.rawValue + "." + builder.format.fileExtension
        do {
            let output = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            let built: BuiltPacket
            do {
                built = try builder.build(document: document, sources: job.sources, into: output, packetId: job.id)
            } catch {
                unlink(path)
                return .failure(error)
            }
            try output.close()
            try Durable.writeUnsynced(at: path + ".json", bytes: built.metadataBytes)
            return .success(built)
        } catch {
            unlink(path)
            return .failure(error)
        }
    }

    /// A claim whose files changed after it was taken is void: nothing of it is published, its number is freed, and
    /// its files go back to the outbox to settle again (sent whole once complete); when a name there is taken (the
    /// copy made a new file), what is left is returned to the clerk with the reason.
    private func void(_ job: Job, _ changed: [String]) {
        logger.warning("files changed after they were claimed: the claim is void, the files go back to the outbox",
                       metadata: ["packet": "\(job.id)", "agency": "\(job.agency)", "names": "\(changed.joined(separator: ", "))"])
        do {
            try index.release(packetId: job.id.rawValue)
        } catch {
            logger.error("cannot free a document number", metadata: ["packet": "\(job.id)", "error": "\(error)"])
        }
        do {
            if try !job.claim.putBack(to: spool.outbox(job.agency)) { returnToClerk(job, .changedAfterClaim(changed)) }
        } catch {
            logger.error("cannot move a void claim back to the outbox; it stays claimed", metadata: ["packet": "\(job.id)", "error": "\(error)"])
        }
    }

    /// Whether a packet's failure is the office's own storage (writing the packet file into state/staging), not the
    /// drop: a document that changed while it was read is the drop's.
    static func isOfficeStorage(_ error: PacketBuildError) -> Bool {
        switch error {
        case .output: true
        case .archive(.sizeMismatch): false
        case .archive: true
        default: false
        }
    }

    /// Rejects a job that cannot be packed, and frees the document number it had reserved.
    private func giveBack(_ job: Job, _ rejection: Rejection) {
        do {
            try index.release(packetId: job.id.rawValue)
        } catch {
            logger.error("cannot free a document number", metadata: ["packet": "\(job.id)", "error": "\(error)"])
        }
        returnToClerk(job, rejection)
    }
}
