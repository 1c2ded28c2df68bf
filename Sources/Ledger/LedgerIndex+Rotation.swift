import Foundation
import GRDB

/// A handled entry of an agency's folder that `lienthong rotate` moved (a `relocated` record).
public struct Relocation: Sendable, Equatable {
    public let agency: String
    public let folder: String
    public let packetId: String?
    /// Where it was and where it is, as the record says (relative to the spool when inside it, else absolute).
    public let from: String
    public let to: String
}

/// What the index knows of the entries in one agency's clerk folders, for `lienthong rotate`: when each was handled
/// (the journal's time, never a file's, which a copy or a clock may change), and whether it is done with.
public struct RotationFacts: Sendable {
    /// Copies delivered into the agency's inbox, by packet id: when, where, and whether registered (handled).
    public var deliveries: [String: (at: String, path: String, registered: Bool)] = [:]
    /// Packets the agency sent whose originals were filed under sent/, by packet id: when (completed, else packed).
    public var completed: [String: String] = [:]
    /// Status records about the agency's packets, by `<packet-id> <recipient> <code>`: when.
    public var statuses: [String: String] = [:]
    /// The agency's returned drops, by each name returned: when (the latest return of that name).
    public var rejections: [String: String] = [:]
    /// Packets the agency refused on arrival, by packet id: when.
    public var refusals: [String: String] = [:]
    /// Entries already journaled as moved, by their `from`.
    public var relocated: [String: Relocation] = [:]
}

extension LedgerIndex {
    static func registerRotation(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-rotation") { db in
            try db.execute(
                sql: """
                    -- Entries of clerks' folders moved into dated folders (lienthong rotate). settled: the move was seen
                    -- done on disk (index-only: a rebuilt index checks each once more).
                    CREATE TABLE relocation (
                        fromPath TEXT PRIMARY KEY, toPath TEXT NOT NULL, agency TEXT NOT NULL, folder TEXT NOT NULL,
                        packetId TEXT, at TEXT NOT NULL, settled INTEGER NOT NULL DEFAULT 0);
                    CREATE INDEX relocationAgency ON relocation(agency, folder);
                    CREATE INDEX relocationPacket ON relocation(packetId);  -- where a delivered copy is now
                    CREATE INDEX relocationUnsettled ON relocation(settled) WHERE settled = 0;
                    -- When the originals were filed under sent/ (null in an index made before: packedAt stands in).
                    ALTER TABLE packet ADD COLUMN completedAt TEXT;
                    """)
        }
    }

    static func applyRelocation(
        agency: String, folder: String, packetId: String?, from: String, to: String, at: String, _ db: Database
    ) throws {
        try db.execute(
            sql:
                "INSERT OR REPLACE INTO relocation (fromPath, toPath, agency, folder, packetId, at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [from, to, agency, folder, packetId, at])
        if folder == "inbox", let packetId {
            // archive show and the web page say where the delivered copy is now.
            try db.execute(
                sql: "UPDATE delivery SET path = ? WHERE packetId = ? AND agency = ? AND path = ?",
                arguments: [to, packetId, agency, from])
        }
    }

    /// What the index knows of `agency`'s folders (see `RotationFacts`).
    public func rotationFacts(_ agency: String) throws -> RotationFacts {
        try pool.read { db in
            var facts = RotationFacts()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT d.packetId, d.deliveredAt, d.path,
                           EXISTS (SELECT 1 FROM arrival a WHERE a.packetId = d.packetId AND a.agency = d.agency) AS registered
                    FROM delivery d WHERE d.agency = ?
                    """, arguments: [agency])
            {
                facts.deliveries[row["packetId"]] = (row["deliveredAt"], row["path"], row["registered"])
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT packetId, COALESCE(completedAt, packedAt) AS at FROM packet WHERE sender = ? AND completed = 1",
                arguments: [agency])
            {
                facts.completed[row["packetId"]] = row["at"]
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT s.packetId, s.agency, s.code, s.at FROM status s JOIN packet p ON p.packetId = s.packetId
                    WHERE p.sender = ?
                    """, arguments: [agency])
            {
                facts.statuses["\(row["packetId"] as String) \(row["agency"] as String) \(row["code"] as String)"] =
                    row["at"]
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT names, at FROM rejection WHERE agency = ? ORDER BY sequence", arguments: [agency])
            {
                let names: String = row["names"]
                for name in names.split(separator: "\n") { facts.rejections[String(name)] = row["at"] }
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT packetId, at FROM refusal WHERE agency = ?", arguments: [agency])
            {
                facts.refusals[row["packetId"]] = row["at"]
            }
            for relocation in try Self.relocations(db, sql: "WHERE agency = ?", arguments: [agency]) {
                facts.relocated[relocation.from] = relocation
            }
            return facts
        }
    }

    /// The `from` of every move journaled for `folder` (the fallback folder, which no agency owns).
    public func relocations(folder: String) throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT fromPath FROM relocation WHERE folder = ?", arguments: [folder]))
        }
    }

    /// Moves journaled but not yet seen done on disk (a rotation stopped by a crash leaves some).
    public func unsettledRelocations() throws -> [Relocation] {
        try pool.read { db in try Self.relocations(db, sql: "WHERE settled = 0", arguments: []) }
    }

    /// Moves journaled but not seen done, read from the index at `path` strictly read-only (for `lienthong doctor`);
    /// empty for an index made before rotation existed.
    public static func unsettledRelocations(readOnlyAt path: String) throws -> [Relocation] {
        try readOnly(path: path, busyTimeout: 5).read { db in
            guard try db.tableExists("relocation") else { return [] }
            return try relocations(db, sql: "WHERE settled = 0", arguments: [])
        }
    }

    /// Marks moves as seen done on disk.
    public func settleRelocations(_ froms: [String]) throws {
        guard !froms.isEmpty else { return }
        try pool.write { db in
            for from in froms {
                try db.execute(sql: "UPDATE relocation SET settled = 1 WHERE fromPath = ?", arguments: [from])
            }
        }
    }

    private static func relocations(_ db: Database, sql: String, arguments: StatementArguments) throws
        -> [Relocation]
    {
        try Row.fetchAll(
            db, sql: "SELECT fromPath, toPath, agency, folder, packetId FROM relocation " + sql, arguments: arguments
        ).map {
            Relocation(
                agency: $0["agency"], folder: $0["folder"], packetId: $0["packetId"], from: $0["fromPath"],
                to: $0["toPath"])
        }
    }
}
