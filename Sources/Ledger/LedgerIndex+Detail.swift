import Foundation
import GRDB
import Packets

/// Everything the index knows about one archived packet: its metadata, files, and the delivery and receipt trail.
public struct ArchiveRecord: Sendable, Codable {
    public struct File: Sendable, Codable, Equatable {
        public let name: String
        public let size: Int64
        public let sha256: String
        public let mediaType: String
    }

    public struct Delivery: Sendable, Codable {
        public let agency: String
        public let at: String
        /// Where the delivered copy is now (relative to the spool when inside it).
        public let path: String
        /// Where it was delivered, when `lienthong rotate` moved it since (nil: it is where it was delivered).
        public let movedFrom: String?
    }

    public struct Arrival: Sendable, Codable {
        public let agency: String
        public let year: Int
        public let series: String
        public let number: Int64
        public let registeredAt: String
        public let late: Bool
        /// `electronic`, or `paper` when registered at a paper hand-over during an outage.
        public let medium: String
        /// The legal value found for each document (JSON, as the journal recorded it).
        public let legal: String?
    }

    public struct Status: Sendable, Codable {
        public let agency: String
        public let code: String
        public let at: String
        public let late: Bool
        public let reason: String?
    }

    public struct Refusal: Sendable, Codable {
        public let agency: String
        public let at: String
        public let reason: String
        public let message: String
    }

    /// The last fixity check of a packet.
    public struct Verification: Sendable, Codable {
        public let at: String
        /// `valid`, or what was wrong: `changed`, `invalid`, `sidecar-changed`, `missing` …
        public let result: String
        public let detail: String
    }

    public let hit: ArchiveHit
    /// The packet file, relative to the spool.
    public let archivePath: String
    /// The packet file's SHA-256 as recorded when it was archived.
    public let sha256: String?
    public let size: Int64?
    /// Whether the originals were filed under sent/ (every recipient served).
    public let completed: Bool
    /// metadata.json as archived.
    public let metadata: String?
    public let files: [File]
    public let deliveries: [Delivery]
    public let arrivals: [Arrival]
    public let statuses: [Status]
    public let refusals: [Refusal]
    public let lastVerification: Verification?
}

extension LedgerIndex {
    /// The packet `packetId`, or nil when the index does not know it.
    public func record(_ packetId: String) throws -> ArchiveRecord? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT p.*, c.senderName, c.signer, c.metadata,
                               (SELECT group_concat(agency, ' ') FROM (SELECT agency FROM recipient r WHERE r.packetId = p.packetId ORDER BY agency)) AS recipients
                        FROM packet p LEFT JOIN catalog c ON c.packetId = p.packetId WHERE p.packetId = ?
                        """, arguments: [packetId])
            else { return nil }
            let recipients: String? = row["recipients"]
            let hit = ArchiveHit(
                packetId: row["packetId"], sender: row["sender"], senderName: row["senderName"] ?? "",
                recipients: recipients?.split(separator: " ").map(String.init) ?? [],
                numberAndNotation: "\(row["codeNumber"] as String)/\(row["codeNotation"] as String)",
                issuedDate: row["issuedDate"], typeName: row["typeName"], subject: row["subject"],
                signer: row["signer"] ?? "", priority: row["priority"], secrecy: row["secrecy"],
                packedAt: row["packedAt"])
            let files = try Row.fetchAll(
                db, sql: "SELECT * FROM file WHERE packetId = ? ORDER BY rowid", arguments: [packetId]
            ).map {
                ArchiveRecord.File(name: $0["name"], size: $0["size"], sha256: $0["sha256"], mediaType: $0["mediaType"])
            }
            let deliveries = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.*, (SELECT r.fromPath FROM relocation r WHERE r.toPath = d.path AND r.packetId = d.packetId
                                 ORDER BY r.at LIMIT 1) AS movedFrom
                    FROM delivery d WHERE d.packetId = ? ORDER BY d.deliveredAt
                    """, arguments: [packetId]
            ).map {
                ArchiveRecord.Delivery(
                    agency: $0["agency"], at: $0["deliveredAt"], path: $0["path"], movedFrom: $0["movedFrom"])
            }
            let arrivals = try Row.fetchAll(
                db, sql: "SELECT * FROM arrival WHERE packetId = ? ORDER BY registeredAt", arguments: [packetId]
            ).map {
                ArchiveRecord.Arrival(
                    agency: $0["agency"], year: $0["year"], series: $0["series"], number: $0["number"],
                    registeredAt: $0["registeredAt"], late: $0["late"], medium: $0["medium"], legal: $0["legal"])
            }
            let statuses = try Row.fetchAll(
                db, sql: "SELECT * FROM status WHERE packetId = ? ORDER BY at, code", arguments: [packetId]
            ).map {
                ArchiveRecord.Status(
                    agency: $0["agency"], code: $0["code"], at: $0["at"], late: $0["late"], reason: $0["reason"])
            }
            let refusals = try Row.fetchAll(
                db, sql: "SELECT * FROM refusal WHERE packetId = ? ORDER BY at", arguments: [packetId]
            ).map {
                ArchiveRecord.Refusal(agency: $0["agency"], at: $0["at"], reason: $0["reason"], message: $0["message"])
            }
            let verification = try Row.fetchOne(
                db, sql: "SELECT * FROM verification WHERE packetId = ?", arguments: [packetId]
            ).map {
                ArchiveRecord.Verification(at: $0["at"], result: $0["result"], detail: $0["detail"])
            }
            return ArchiveRecord(
                hit: hit, archivePath: row["archivePath"], sha256: row["sha256"], size: row["size"],
                completed: row["completed"], metadata: row["metadata"], files: files, deliveries: deliveries,
                arrivals: arrivals, statuses: statuses, refusals: refusals, lastVerification: verification)
        }
    }

    /// Every archived packet's id, packet file (relative to the spool), recorded SHA-256 and size: what fixity checks.
    public func archivedPackets() throws -> [(packetId: String, archivePath: String, sha256: String?, size: Int64?)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT packetId, archivePath, sha256, size FROM packet
                    WHERE archivePath != '' AND packetId NOT IN (SELECT packetId FROM tombstone) ORDER BY packetId
                    """
            ).map {
                ($0["packetId"], $0["archivePath"], $0["sha256"], $0["size"])
            }
        }
    }
}
