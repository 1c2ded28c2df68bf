import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

extension Pipeline {
    /// Builds the drops' packets into `state/staging` (not yet synced: the batch is synced at once), several at a
    /// time. A packet that cannot be built is rejected and its number given back; returns the packets that go on.
    func build(_ drops: [PreparedDrop]) -> [StagedPacket] {
        let format = config.archiveFormat
        do {
            try FileSystem.makeDirectory(RawPath(paths.archiveStaging), mode: 0o700)
        } catch {
            logger.error(
                "cannot create the staging folder; the claims are kept and tried again", metadata: ["error": "\(error)"]
            )
            return []
        }
        // Signers first, one after the other: loading a key fills the roster's cache.
        var ready: [(PreparedDrop, PacketBuilder)] = []
        for drop in drops {
            guard let sender = roster.agencies[drop.sender] else { continue }
            do {
                let signer = try roster.signer(drop.sender)
                var builder = PacketBuilder(
                    sender: PacketSender(organId: drop.sender, organName: sender.name), signer: signer,
                    format: format, timeZone: config.calendar.timeZone, clock: clock.now)
                builder.chunkSize = 1 << 20
                ready.append((drop, builder))
            } catch {
                giveBack(drop, .build(.signing("\(error)")))
            }
        }
        // Then the packets, in parallel: each reads its own documents and writes its own staging file.
        let outcomes = ready.parallelMap { drop, builder in Self.build(drop, with: builder, into: paths.archiveStaging)
        }
        var built: [StagedPacket] = []
        for ((drop, _), outcome) in zip(ready, outcomes) {
            let staging = paths.archiveStaging + "/" + drop.id.rawValue + "." + format.fileExtension
            switch outcome {
            case .success(let packet):
                // Read and hashed: if a file changed since the claim (its copy went on), this is not what the clerk sent.
                let changed = drop.claim.changedFiles(outbox: spool.outbox(drop.sender))
                if !changed.isEmpty {
                    unlink(staging)
                    unlink(staging + ".json")
                    void(drop, changed)
                    continue
                }
                built.append(StagedPacket(drop: drop, built: packet, path: staging))
            case .failure(PacketBuildError.changedWhilePacking(let path)):
                void(drop, [(path as NSString).lastPathComponent])
            case .failure(let error as PacketBuildError) where Self.isOfficeStorage(error):
                // The office's own disk (state/staging) refused the packet: nothing is wrong with the drop. It stays
                // claimed, its number reserved under its id, and is built again once the disk has room.
                storageFailed(error, path: paths.archiveStaging)
                logger.error(
                    "cannot write a packet into state/staging; its claim is kept and tried again",
                    metadata: ["packet": "\(drop.id)", "error": "\(error)"])
            case .failure(let error as PacketBuildError):
                giveBack(drop, .build(error))
            case .failure(let error):
                if let error = error as? FileError, error.isStorageFailure {
                    storageFailed(error, path: paths.archiveStaging)
                }
                logger.error(
                    "cannot build a packet; its claim is kept and tried again",
                    metadata: ["packet": "\(drop.id)", "error": "\(error)"])
            }
        }
        return built
    }

    /// One packet into `<staging>/<id>.<ext>`, with its metadata beside it as `<id>.<ext>.json`.
    private static func build(_ drop: PreparedDrop, with builder: PacketBuilder, into staging: String) -> Result<
        BuiltPacket, Error
    > {
        let path = staging + "/" + drop.id.rawValue + "." + builder.format.fileExtension
        do {
            let output = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            let built: BuiltPacket
            do {
                built = try builder.build(
                    document: drop.document, sources: drop.sources, into: output, packetId: drop.id)
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
    private func void(_ drop: PreparedDrop, _ changed: [String]) {
        logger.warning(
            "files changed after they were claimed: the claim is void, the files go back to the outbox",
            metadata: [
                "packet": "\(drop.id)", "agency": "\(drop.sender)", "names": "\(changed.joined(separator: ", "))",
            ])
        do {
            try index.release(packetId: drop.id.rawValue)
        } catch {
            logger.error("cannot free a document number", metadata: ["packet": "\(drop.id)", "error": "\(error)"])
        }
        do {
            if try !drop.claim.putBack(to: spool.outbox(drop.sender)) {
                returnToClerk(drop.claim, .changedAfterClaim(changed))
            }
        } catch {
            logger.error(
                "cannot move a void claim back to the outbox; it stays claimed",
                metadata: ["packet": "\(drop.id)", "error": "\(error)"])
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

    /// Rejects a drop that cannot be packed, and frees the document number it had reserved.
    private func giveBack(_ drop: PreparedDrop, _ rejection: Rejection) {
        do {
            try index.release(packetId: drop.id.rawValue)
        } catch {
            logger.error("cannot free a document number", metadata: ["packet": "\(drop.id)", "error": "\(error)"])
        }
        returnToClerk(drop.claim, rejection)
    }
}
