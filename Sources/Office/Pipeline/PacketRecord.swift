import DurableIO
import Foundation
import Ledger
import Packets
import Signing

/// What the journal says about a packet the archive holds.
enum PacketRecord {
    /// What a `packed` (made here) or `received` (arrived from outside) record says: enough to rebuild the index
    /// without opening the archive.
    static func packet(_ metadata: PacketMetadata, archive: String, sha256: String?, size: Int64?) -> LedgerPacket {
        LedgerPacket(metadata, archive: archive, sha256: sha256, size: size)
    }

    /// SHA-256 and size of a file, read once.
    static func digest(_ path: String) throws -> (sha256: String, size: Int64) {
        try FileDigest.sha256(path)
    }
}
