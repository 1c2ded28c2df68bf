import Foundation
import GRDB
import Packets

/// What the index keeps of retention (Circular 10/2022/TT-BNV) and disposal: legal holds, retention extended past
/// the schedule, disposal proposals with their approvals, and the tombstones of destroyed packets.
public enum RetentionAction {
    /// A legal hold put on a packet (Decree 30/2020 App. VI IV.1): no move, delete or edit, for anyone.
    public static let hold = "legal.hold"
    public static let release = "legal.release"
    /// Retention made longer for a packet or a record (never shorter).
    public static let extend = "retention.extend"
    public static let propose = "disposal.propose"
    public static let approve = "disposal.approve"
    /// One packet destroyed, with what stays of it (the tombstone).
    public static let destroy = "disposal.destroy"
}

/// A legal hold in force.
public struct LegalHold: Sendable, Equatable, Codable {
    public let packetId: String
    public let at: String
    public let by: String
    public let reason: String
}

/// A disposal proposal and who approved it.
public struct DisposalProposal: Sendable, Equatable, Codable {
    public let id: String
    public let at: String
    public let by: String
    public let packets: [String]
    public var approvals: [String]
    /// Set once the packets were destroyed (those held meanwhile are left).
    public var destroyedAt: String?

    public init(id: String, at: String, by: String, packets: [String], approvals: [String], destroyedAt: String?) {
        self.id = id
        self.at = at
        self.by = by
        self.packets = packets
        self.approvals = approvals
        self.destroyedAt = destroyedAt
    }
}

/// What stays of a destroyed packet.
public struct Tombstone: Sendable, Equatable, Codable {
    public let packetId: String
    public let disposal: String
    public let at: String
    /// The packet's row as the index had it (number, date, subject, sender …) and its hashes.
    public let details: String
}

extension LedgerIndex {
    static func registerRetention(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-retention") { db in
            try db.execute(
                sql: """
                    CREATE TABLE legalHold (
                        packetId TEXT PRIMARY KEY, at TEXT NOT NULL, byWhom TEXT NOT NULL, reason TEXT NOT NULL);
                    -- key: a packet id or a record's FileCode; years NULL: permanent.
                    CREATE TABLE retentionExtension (
                        key TEXT PRIMARY KEY, retention TEXT NOT NULL, at TEXT NOT NULL, byWhom TEXT NOT NULL);
                    CREATE TABLE disposal (
                        id TEXT PRIMARY KEY, at TEXT NOT NULL, byWhom TEXT NOT NULL, packets TEXT NOT NULL,
                        destroyedAt TEXT);
                    CREATE TABLE disposalApproval (
                        id TEXT NOT NULL, account TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (id, account));
                    CREATE TABLE tombstone (
                        packetId TEXT PRIMARY KEY, disposal TEXT NOT NULL, at TEXT NOT NULL, details TEXT NOT NULL);
                    """)
        }
    }

    static func applyRetention(
        action: String, by: String, reason: String, target: String?, details: JSONValue?, at: String, _ db: Database
    ) throws {
        switch action {
        case RetentionAction.hold:
            guard let packet = target else { return }
            try db.execute(
                sql: "INSERT OR REPLACE INTO legalHold VALUES (?, ?, ?, ?)", arguments: [packet, at, by, reason])
        case RetentionAction.release:
            guard let packet = target else { return }
            try db.execute(sql: "DELETE FROM legalHold WHERE packetId = ?", arguments: [packet])
        case RetentionAction.extend:
            guard let key = target, let retention = details?["retention"]?.stringValue else { return }
            try db.execute(
                sql: "INSERT OR REPLACE INTO retentionExtension VALUES (?, ?, ?, ?)",
                arguments: [key, retention, at, by])
        case RetentionAction.propose:
            guard let id = target, let packets = details?["packets"] else { return }
            try db.execute(
                sql: "INSERT OR IGNORE INTO disposal (id, at, byWhom, packets) VALUES (?, ?, ?, ?)",
                arguments: [id, at, by, String(decoding: JSONWriter.compactBytes(packets), as: UTF8.self)])
        case RetentionAction.approve:
            guard let id = target, let account = details?["account"]?.stringValue else { return }
            try db.execute(
                sql: "INSERT OR IGNORE INTO disposalApproval VALUES (?, ?, ?)", arguments: [id, account, at])
        case RetentionAction.destroy:
            guard let id = target, let details, let packet = details["packetId"]?.stringValue else { return }
            try db.execute(
                sql: "INSERT OR IGNORE INTO tombstone VALUES (?, ?, ?, ?)",
                arguments: [packet, id, at, String(decoding: JSONWriter.compactBytes(details), as: UTF8.self)])
            try db.execute(sql: "UPDATE disposal SET destroyedAt = ? WHERE id = ?", arguments: [at, id])
        default:
            break
        }
    }

    /// The legal holds in force.
    public func legalHolds() throws -> [LegalHold] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM legalHold ORDER BY packetId").map {
                LegalHold(packetId: $0["packetId"], at: $0["at"], by: $0["byWhom"], reason: $0["reason"])
            }
        }
    }

    /// Retention extended for `key` (a packet id or a FileCode), if it was.
    public func retentionExtension(_ key: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT retention FROM retentionExtension WHERE key = ?", arguments: [key])
        }
    }

    /// Every disposal proposal, oldest first, with its approvals.
    public func disposals() throws -> [DisposalProposal] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM disposal ORDER BY at, id").map { row in
                let id: String = row["id"]
                let packetsText: String = row["packets"]
                let packets =
                    ((try? JSONParser().parse(Array(packetsText.utf8)))?.arrayValue ?? []).compactMap(\.stringValue)
                let approvals = try String.fetchAll(
                    db, sql: "SELECT account FROM disposalApproval WHERE id = ? ORDER BY at, account", arguments: [id])
                return DisposalProposal(
                    id: id, at: row["at"], by: row["byWhom"], packets: packets, approvals: approvals,
                    destroyedAt: row["destroyedAt"])
            }
        }
    }

    /// The tombstones of `packetIds` that were destroyed (all, when nil).
    public func tombstones(_ packetIds: [String]? = nil) throws -> [String: Tombstone] {
        let wanted = packetIds.map(Set.init)
        return try pool.read { db in
            var found: [String: Tombstone] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM tombstone") {
                let packet: String = row["packetId"]
                if let wanted, !wanted.contains(packet) { continue }
                found[packet] = Tombstone(
                    packetId: packet, disposal: row["disposal"], at: row["at"], details: row["details"])
            }
            return found
        }
    }
}

/// What retention is worked out from, for one packet.
public struct RetentionFact: Sendable, Equatable {
    public let packetId: String
    public let typeName: String
    public let issuedDate: String
    /// The records it is in, with their retention ("Thời hạn bảo quản", may be empty) and last document's date.
    public var records: [(fileCode: String, maintenance: String, endDate: String?)] = []

    public static func == (lhs: RetentionFact, rhs: RetentionFact) -> Bool {
        lhs.packetId == rhs.packetId && lhs.typeName == rhs.typeName && lhs.issuedDate == rhs.issuedDate
            && lhs.records.map(\.fileCode) == rhs.records.map(\.fileCode)
    }
}

extension LedgerIndex {
    /// The retention facts of every packet still in the archive (not destroyed), or of `packetId` only.
    public func retentionFacts(_ packetId: String? = nil) throws -> [RetentionFact] {
        try pool.read { db in
            var facts: [String: RetentionFact] = [:]
            let filter = packetId == nil ? "" : " AND packetId = ?"
            let arguments: StatementArguments = packetId.map { [$0] } ?? []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT packetId, typeName, issuedDate FROM packet
                    WHERE archivePath != '' AND packetId NOT IN (SELECT packetId FROM tombstone)\(filter)
                    """, arguments: arguments)
            {
                let id: String = row["packetId"]
                facts[id] = RetentionFact(packetId: id, typeName: row["typeName"], issuedDate: row["issuedDate"])
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT m.packetId, r.fileCode, r.maintenance,
                           (SELECT MAX(p.issuedDate) FROM recordMember m2 JOIN packet p ON p.packetId = m2.packetId
                            WHERE m2.fileCode = r.fileCode) AS endDate
                    FROM recordMember m JOIN fileRecord r ON r.fileCode = m.fileCode
                    WHERE m.fileCode != ''\(packetId == nil ? "" : " AND m.packetId = ?")
                    """, arguments: arguments)
            {
                let id: String = row["packetId"]
                facts[id]?.records.append((row["fileCode"], row["maintenance"], row["endDate"]))
            }
            return facts.keys.sorted().map { facts[$0]! }
        }
    }
}
