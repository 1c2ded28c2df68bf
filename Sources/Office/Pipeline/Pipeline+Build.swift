#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Packets
import Signing

extension Pipeline {
    /// Builds the packet into `state/staging` (not yet synced: the batch is synced at once). A packet that cannot
    /// be built is rejected, and its number given back; returns whether the job goes on.
    func build(_ job: Job) -> Bool {
        guard let document = job.document, let sender = roster.agencies[job.agency] else { return false }
        let format = config.archiveFormat
        do {
            try FileSystem.makeDirectory(RawPath(paths.archiveStaging), mode: 0o700)
            let staging = paths.archiveStaging + "/" + job.id.rawValue + "." + format.fileExtension
            let signer: CMSSigner
            do {
                signer = try roster.signer(job.agency)
            } catch {
                try index.release(packetId: job.id.rawValue)
                try reject(job.claim, .build(.signing("\(error)")))
                return false
            }
            var builder = PacketBuilder(sender: PacketSender(organId: job.agency, organName: sender.name), signer: signer,
                                        format: format, timeZone: config.calendar.timeZone, clock: clock.now)
            builder.chunkSize = 1 << 20
            let output = try FileDescriptor.open(staging, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            let built: BuiltPacket
            do {
                built = try builder.build(document: document, sources: job.sources, into: output, packetId: job.id)
            } catch {
                unlink(staging)
                try index.release(packetId: job.id.rawValue)
                try reject(job.claim, .build(error))
                return false
            }
            try output.close()
            try Durable.writeUnsynced(at: staging + ".json", bytes: built.metadataBytes)
            job.built = built
            job.metadata = built.metadata
            job.metadataBytes = built.metadataBytes
            job.signature = built.signature
            job.stagingPath = staging
            return true
        } catch {
            logger.error("cannot build a packet; its claim is kept and tried again", metadata: ["packet": "\(job.id)", "error": "\(error)"])
            return false
        }
    }
}
