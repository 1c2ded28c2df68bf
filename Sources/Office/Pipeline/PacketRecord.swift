import DurableIO
import Foundation
import Ledger
import Packets
import Signing

/// What the journal says about a packet the archive holds.
enum PacketRecord {
    /// A `packed` (made here) or `received` (arrived from outside) record: enough to rebuild the index without
    /// opening the archive.
    static func event(_ name: String, _ metadata: PacketMetadata, archive: String, sha256: String?, size: Int64?,
                      extra: [(String, JSONValue)] = []) -> JournalEvent {
        let document = metadata.document
        var fields: [(String, JSONValue)] = [
            ("packetId", .string(metadata.packetId.rawValue)),
            ("sender", .string(metadata.from.organId.rawValue)),
            ("codeNumber", .string(document.codeNumber)),
            ("codeNotation", .string(document.codeNotation)),
            ("issuedDate", .string(document.issuedDate.description)),
            ("typeName", .string(document.typeName)),
            ("subject", .string(document.subject)),
            ("priority", .string(document.priority.rawValue)),
        ]
        if let secrecy = document.secrecy { fields.append(("secrecy", .string(secrecy.rawValue))) }
        fields.append(("to", .array(document.to.map { .string($0.rawValue) })))
        fields.append(("files", .array(metadata.files.map { .string($0.name) })))
        fields.append(("packedAt", .string(metadata.packedAt)))
        fields.append(("archive", .string(archive)))
        if let sha256 { fields.append(("sha256", .string(sha256))) }
        if let size { fields.append(("size", .integer(size))) }
        return JournalEvent(name, fields + extra)
    }

    /// SHA-256 and size of a file, read once.
    static func digest(_ path: String) throws -> (sha256: String, size: Int64) {
        try FileDigest.sha256(path)
    }
}
