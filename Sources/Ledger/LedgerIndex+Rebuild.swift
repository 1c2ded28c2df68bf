import DurableIO
import Foundation
import GRDB
import Packets

#if canImport(Glibc)
import Glibc
#endif

extension LedgerIndex {
    /// What a rebuild read.
    public struct RebuildSummary: Sendable {
        public let sidecars: Int
        public let journalRecords: Int64
        public let packets: Int
        public let deliveries: Int
        public let rejections: Int
    }

    /// Makes the index at `path` again from the archive's sidecars (`archive/YYYY/MM/<id>.json`) and the journal
    /// alone, in a new file renamed over the old one: readers never see a half-built index.
    public static func rebuild(at path: String, archive: String, spoolRoot: String, journal: Journal) throws
        -> RebuildSummary
    {
        let temporary = path + ".rebuild"
        for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
        var sidecars = 0
        do {
            let fresh = try LedgerIndex(path: temporary)
            var rows: [(PacketMetadata, String)] = []
            for year in try Directory.entries(archive) where year.kind == .directory && !year.name.isHidden {
                guard let yearName = year.name.string else { continue }
                for month in try Directory.entries(archive + "/" + yearName) where month.kind == .directory {
                    guard let monthName = month.name.string else { continue }
                    let folder = archive + "/" + yearName + "/" + monthName
                    let entries = try Directory.entries(folder)
                    for entry in entries where entry.kind == .file && entry.name.string?.hasSuffix(".json") == true {
                        let name = entry.name.string!
                        guard
                            let metadata = try? PacketMetadata.parse(
                                try Durable.readSmallFile(folder + "/" + name, limit: 16 << 20))
                        else { continue }
                        let stem = String(name.dropLast(5))
                        let packet = entries.first {
                            $0.name.string == stem + ".tar" || $0.name.string == stem + ".zip"
                        }
                        let relative =
                            packet.map { String((folder + "/" + $0.name.string!).dropFirst(spoolRoot.count + 1)) } ?? ""
                        rows.append((metadata, relative))
                        sidecars += 1
                    }
                }
            }
            try fresh.insertArchived(rows)
            try fresh.catchUp(with: journal)
            let counts = try fresh.counts()
            let last = try fresh.lastSequence()
            _ = try fresh.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            withExtendedLifetime(fresh) {}
            guard rename(temporary, path) == 0 else { throw FileError("rename", path: "\(temporary) -> \(path)") }
            for suffix in ["-wal", "-shm"] {
                unlink(path + suffix)
                unlink(temporary + suffix)
            }
            return RebuildSummary(
                sidecars: sidecars, journalRecords: last, packets: counts.packets,
                deliveries: counts.deliveries, rejections: counts.rejections)
        }
    }

    /// Rows for archived packets read from their sidecars (the journal then adds hashes, deliveries, states).
    private func insertArchived(_ rows: [(PacketMetadata, String)]) throws {
        try pool.write { db in
            for (metadata, archivePath) in rows {
                let document = metadata.document
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO packet (packetId, sender, codeNumber, codeNotation, issuedDate, typeName, subject,
                                                      priority, secrecy, packedAt, archivePath)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        metadata.packetId.rawValue, metadata.from.organId.rawValue, document.codeNumber,
                        document.codeNotation, document.issuedDate.description, document.typeName, document.subject,
                        document.priority.rawValue, document.secrecy?.rawValue, metadata.packedAt, archivePath,
                    ])
                for recipient in document.to {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO recipient VALUES (?, ?)",
                        arguments: [metadata.packetId.rawValue, recipient.rawValue])
                }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO documentNumber VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        metadata.from.organId.rawValue, document.issuedDate.year,
                        DocumentNumber.key(document.codeNumber),
                        DocumentNumber.key(notation: document.codeNotation), metadata.packetId.rawValue,
                    ])
            }
        }
    }
}
