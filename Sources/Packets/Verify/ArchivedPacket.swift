import Archiving
import DurableIO

/// A packet read back from a file without judging it: its metadata and signature, the documents skipped unread.
/// For packets the office itself archived (recovery, fixity, extraction); documents are only ever read out of a
/// packet by `PacketVerifier`, within what its signed metadata allows.
public struct ArchivedPacket: Sendable {
    /// The packet folder's name.
    public let root: String
    public let metadata: PacketMetadata
    public let metadataBytes: [UInt8]
    public let signature: [UInt8]

    /// Reads the tag files of the packet at `path`.
    public static func read(_ path: String, limits: ArchiveLimits = .packet) throws -> ArchivedPacket {
        let file = try FileDescriptor.openRegularFileForReading(path)
        let packet = try StreamedPacket.readTagFiles(file, limits: limits)
        guard let root = packet.root, let metadataBytes = packet.tagFiles[PacketLayout.metadataName],
            let signature = packet.tagFiles[PacketLayout.signatureName]
        else {
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
