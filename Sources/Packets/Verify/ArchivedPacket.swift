import Archiving
import DurableIO

/// A packet read back from a file without judging it: its metadata, signature and, through a sink, its
/// documents. For packets the office itself archived (recovery, delivery); packets from elsewhere go through
/// `PacketVerifier`.
public struct ArchivedPacket: Sendable {
    /// The packet folder's name.
    public let root: String
    public let metadata: PacketMetadata
    public let metadataBytes: [UInt8]
    public let signature: [UInt8]

    /// Reads the packet at `path`, streaming its documents into `sink` when one is given.
    public static func read(_ path: String, sink: (any PayloadSink)? = nil, limits: ArchiveLimits = .packet) throws -> ArchivedPacket {
        let file = try FileDescriptor.openRegularFileForReading(path)
        let packet = try StreamedPacket.read(file, limits: limits, sink: sink)
        guard let root = packet.root, let metadataBytes = packet.tagFiles[PacketLayout.metadataName],
              let signature = packet.tagFiles[PacketLayout.signatureName] else {
            throw PacketProblems.missingTagFile(PacketLayout.metadataName)
        }
        let metadata: PacketMetadata
        do {
            metadata = try PacketMetadata.parse(metadataBytes)
        } catch {
            throw PacketProblems.metadataInvalid(error)
        }
        return ArchivedPacket(root: root, metadata: metadata, metadataBytes: metadataBytes, signature: signature)
    }
}
