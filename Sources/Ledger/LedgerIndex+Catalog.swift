import DurableIO
import Foundation
import GRDB
import Packets

/// The archive catalog: every archived packet's full metadata, its files, and a full-text index (SQLite FTS5) over
/// folded Vietnamese text, so that "quyet dinh" finds "Quyết định" and "dong hung" finds "Đông Hưng". Derived from
/// the archive's sidecars (`archive/YYYY/MM/<id>.json`): `syncCatalog` adds the packets not catalogued yet.
extension LedgerIndex {
    static func registerCatalog(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-catalog") { db in
            // (A first layout of these tables lived briefly under "v4-catalog": replaced, being derived data.)
            try db.execute(
                sql: """
                    DROP TABLE IF EXISTS packetText;
                    DROP TABLE IF EXISTS file;
                    DROP TABLE IF EXISTS catalog;
                    DROP INDEX IF EXISTS packetIssued;
                    DROP INDEX IF EXISTS recipientAgency;
                    -- What search filters on is kept here too (not only in packet), so a search touches one table
                    -- besides the full-text index; rows are in the order packets were archived (newest: highest id).
                    CREATE TABLE catalog (
                        id INTEGER PRIMARY KEY, packetId TEXT NOT NULL UNIQUE, metadata TEXT NOT NULL, sender TEXT NOT NULL,
                        senderName TEXT NOT NULL, senderFolded TEXT NOT NULL, typeFolded TEXT NOT NULL, numberFolded TEXT NOT NULL,
                        issuedDate TEXT NOT NULL, priority TEXT NOT NULL, secrecy TEXT, signer TEXT NOT NULL, recipientNames TEXT NOT NULL);
                    CREATE TABLE file (
                        packetId TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, mediaType TEXT NOT NULL,
                        PRIMARY KEY (packetId, name));
                    CREATE VIRTUAL TABLE packetText USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
                    CREATE INDEX packetIssued ON packet(issuedDate);
                    CREATE INDEX recipientAgency ON recipient(agency);
                    """)
        }
    }

    /// Catalogues every indexed packet whose sidecar is in the archive and that is not catalogued yet; `names` are
    /// the agencies' names by code (so recipients can be found by name). Returns how many were added.
    @discardableResult
    public func syncCatalog(spoolRoot: String, names: [String: String]) throws -> Int {
        let missing = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT packetId, archivePath FROM packet WHERE packetId NOT IN (SELECT packetId FROM catalog) AND archivePath != ''
                    ORDER BY packedAt, packetId
                    """
            ).map { (String($0["packetId"] as String), String($0["archivePath"] as String)) }
        }
        guard !missing.isEmpty else { return 0 }
        var batch: [PacketMetadata] = []
        var added = 0
        for (_, archivePath) in missing {
            let sidecar = spoolRoot + "/" + (archivePath as NSString).deletingPathExtension + ".json"
            guard let bytes = try? Durable.readSmallFile(sidecar, limit: 16 << 20),
                let metadata = try? PacketMetadata.parse(bytes)
            else { continue }
            batch.append(metadata)
            if batch.count >= 2000 {
                added += try catalog(batch, names: names)
                batch.removeAll(keepingCapacity: true)
            }
        }
        added += try catalog(batch, names: names)
        return added
    }

    /// Adds packets' metadata to the catalog (ignoring those already there).
    @discardableResult
    public func catalog(_ packets: [PacketMetadata], names: [String: String]) throws -> Int {
        guard !packets.isEmpty else { return 0 }
        return try pool.write { db in
            var added = 0
            for metadata in packets {
                let id = metadata.packetId.rawValue
                let document = metadata.document
                // What access and filters rely on (sender, recipients, secrecy …) comes from the packet's row, which the
                // journal wrote; the sidecar only adds words to search (a sidecar edited by hand cannot widen access).
                let recorded = try Row.fetchOne(
                    db, sql: "SELECT sender, issuedDate, priority, secrecy FROM packet WHERE packetId = ?",
                    arguments: [id])
                let recipients = try String.fetchAll(
                    db, sql: "SELECT agency FROM recipient WHERE packetId = ?", arguments: [id])
                let recipientNames = (recipients.isEmpty ? document.to.map(\.rawValue) : recipients).compactMap {
                    names[$0]
                }.filter { !$0.isEmpty }
                let sender: String = recorded?["sender"] ?? metadata.from.organId.rawValue
                let issuedDate: String = recorded?["issuedDate"] ?? document.issuedDate.description
                let priority: String = recorded?["priority"] ?? document.priority.rawValue
                let secrecy: String? = recorded == nil ? document.secrecy?.rawValue : recorded?["secrecy"]
                let signer = document.signerInfo?.displayName ?? ""
                let json = String(decoding: metadata.bytes, as: UTF8.self)
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO catalog (packetId, metadata, sender, senderName, senderFolded, typeFolded, numberFolded,
                                                       issuedDate, priority, secrecy, signer, recipientNames)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, json, sender, metadata.from.organName,
                        VietnameseFolding.fold(metadata.from.organName), VietnameseFolding.fold(document.typeName),
                        VietnameseFolding.fold(document.numberAndNotation), issuedDate, priority, secrecy, signer,
                        VietnameseFolding.fold(recipientNames.joined(separator: "\n")),
                    ])
                guard db.changesCount > 0 else { continue }
                let row = db.lastInsertedRowID
                for file in metadata.files {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO file VALUES (?, ?, ?, ?, ?)",
                        arguments: [id, file.name, file.size, file.sha256, file.mediaType])
                }
                try db.execute(
                    sql: "INSERT INTO packetText (rowid, body) VALUES (?, ?)",
                    arguments: [row, Self.searchText(metadata, recipientNames: recipientNames)])
                try Self.applySidecarRecord(metadata, db)
                added += 1
            }
            return added
        }
    }

    /// Everything a search may match, folded: numbers, type, subject, signer, sender and recipients (codes and
    /// names), file names, and the clerk's other fields (description, keywords, notes …).
    static func searchText(_ metadata: PacketMetadata, recipientNames: [String]) -> String {
        let document = metadata.document
        var parts = [
            document.numberAndNotation, document.typeName, document.subject, metadata.from.organName,
            metadata.from.organId.rawValue, document.issuedDate.description, metadata.packetId.rawValue,
        ]
        if let signer = document.signerInfo {
            parts += [signer.competence, signer.position, signer.fullName].compactMap { $0 }
        }
        parts += document.to.map(\.rawValue) + recipientNames
        parts += metadata.files.map(\.name)
        for (_, value) in document.extra { parts += Self.strings(value) }
        return VietnameseFolding.fold(parts.joined(separator: "\n"))
    }

    private static func strings(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let items): items.flatMap(strings)
        case .object(let members): members.flatMap { strings($0.1) }
        default: []
        }
    }
}
