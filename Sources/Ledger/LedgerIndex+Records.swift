import Foundation
import GRDB
import Packets

/// A record (hồ sơ, Decree 30/2020 Art 28 and App. VI): the documents of one matter an agency keeps together, with
/// the record-level metadata of App. VI. `fileCode` is the agency's code, the year (FileCatalog) and the record's
/// own notation (FileNotation): `000.00.00.H53.2026.05-TCCB`.
public struct FileRecord: Sendable, Equatable, Codable {
    public var fileCode: String
    public var agency: String
    public var year: Int
    public var notation: String
    /// Tiêu đề hồ sơ.
    public var title: String
    /// Thời hạn bảo quản: "Vĩnh viễn", "70 năm" … (empty: from the retention schedule).
    public var maintenance: String
    /// Chế độ sử dụng.
    public var rights: String
    /// Người lập hồ sơ.
    public var creator: String
    public var language: String
    public var description: String
    public var createdAt: String
    public var createdBy: String
    /// Computed from the documents in it: the first and last issue dates, how many, and their pages (the
    /// sidecars' `pageAmount`, where given).
    public var startDate: String?
    public var endDate: String?
    public var docTotal: Int
    public var pageTotal: Int

    /// The fields an archivist sets, in App. VI order, with their Vietnamese names.
    public static let fields: [(key: String, vietnamese: String)] = [
        ("title", "Tiêu đề hồ sơ"), ("maintenance", "Thời hạn bảo quản"), ("rights", "Chế độ sử dụng"),
        ("creator", "Người lập hồ sơ"), ("language", "Ngôn ngữ"), ("description", "Chú giải"),
    ]

    /// The FileCode of `notation` in `agency`'s list of `year`.
    public static func code(agency: String, year: Int, notation: String) -> String {
        agency + "." + String(format: "%04d", year) + "." + notation
    }

    /// A notation a record may have: letters, digits, `-`, `_`, `.`, at most 40, not starting with a dot (it
    /// names a folder in a hand-over).
    public static func isValidNotation(_ notation: String) -> Bool {
        !notation.isEmpty && notation.count <= 40 && !notation.hasPrefix(".") && notation != ".."
            && notation.unicodeScalars.allSatisfy { scalar in
                CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar)
            }
    }
}

extension LedgerIndex {
    /// The `admin` actions of records.
    public enum RecordAction {
        public static let create = "record.create"
        public static let update = "record.update"
        /// Packets put into a record (taken out of the one they were in).
        public static let add = "record.add"
        /// Packets taken out of their record.
        public static let remove = "record.remove"
    }

    static func registerRecords(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE fileRecord (
                        fileCode TEXT PRIMARY KEY, agency TEXT NOT NULL, year INTEGER NOT NULL, notation TEXT NOT NULL,
                        title TEXT NOT NULL DEFAULT '', maintenance TEXT NOT NULL DEFAULT '', rights TEXT NOT NULL DEFAULT '',
                        creator TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT 'Tiếng Việt',
                        description TEXT NOT NULL DEFAULT '', createdAt TEXT NOT NULL, createdBy TEXT NOT NULL);
                    CREATE INDEX fileRecordYear ON fileRecord(agency, year);
                    -- A packet is in at most one record of each agency (the sender's copy in one of the sender's, a
                    -- recipient's in one of its own); fileCode '' once taken out. source: 'sidecar' (the clerk's
                    -- fileCode, signed with the packet) or 'archivist' (journaled; wins over the sidecar).
                    CREATE TABLE recordMember (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, fileCode TEXT NOT NULL, source TEXT NOT NULL,
                        at TEXT NOT NULL, byWhom TEXT NOT NULL, PRIMARY KEY (packetId, agency));
                    CREATE INDEX recordMemberFile ON recordMember(fileCode);
                    """)
        }
    }

    static func applyRecord(
        action: String, by: String, target: String?, details: JSONValue?, at: String, _ db: Database
    ) throws {
        guard action.hasPrefix("record."), let fileCode = target, let details else { return }
        switch action {
        case RecordAction.create:
            guard let agency = details["agency"]?.stringValue, let year = details["year"]?.integerValue,
                let notation = details["notation"]?.stringValue
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO fileRecord (fileCode, agency, year, notation, createdAt, createdBy) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (fileCode) DO NOTHING
                    """, arguments: [fileCode, agency, year, notation, at, by])
            try updateFields(fileCode, details, db)
        case RecordAction.update:
            try placeholder(fileCode, db)
            try updateFields(fileCode, details, db)
        case RecordAction.add, RecordAction.remove:
            try placeholder(fileCode, db)
            let packets = (details["packets"]?.arrayValue ?? []).compactMap(\.stringValue)
            guard
                let agency = try String.fetchOne(
                    db, sql: "SELECT agency FROM fileRecord WHERE fileCode = ?", arguments: [fileCode])
            else { return }
            for packet in packets {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO recordMember VALUES (?, ?, ?, 'archivist', ?, ?)",
                    arguments: [packet, agency, action == RecordAction.add ? fileCode : "", at, by])
            }
        default:
            break
        }
    }

    /// A record a sidecar names, met in the journal before the catalog made it (an index made again: the journal
    /// is read before the archive's sidecars are catalogued): made now, its making filled in by the sidecar.
    private static func placeholder(_ fileCode: String, _ db: Database) throws {
        let parts = fileCode.split(separator: ".", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, let year = Int(parts[4]) else { return }
        try db.execute(
            sql: """
                INSERT INTO fileRecord (fileCode, agency, year, notation, createdAt, createdBy) VALUES (?, ?, ?, ?, '', '')
                ON CONFLICT (fileCode) DO NOTHING
                """, arguments: [fileCode, parts[0..<4].joined(separator: "."), year, String(parts[5])])
    }

    private static func updateFields(_ fileCode: String, _ details: JSONValue, _ db: Database) throws {
        for (key, _) in FileRecord.fields {
            guard let value = details[key]?.stringValue else { continue }
            // The column name comes from the fixed list above, never from the record.
            try db.execute(sql: "UPDATE fileRecord SET \(key) = ? WHERE fileCode = ?", arguments: [value, fileCode])
        }
    }

    /// A packet made here whose signed metadata names its record (`fileCode`): the record (created empty when no
    /// archivist made it yet) gets it, unless an archivist already put the packet elsewhere.
    static func applySidecarRecord(_ metadata: PacketMetadata, _ db: Database) throws {
        guard
            let named = metadata.document.extra.first(where: { $0.0 == "fileCode" })?.1.stringValue?
                .trimmingCharacters(in: .whitespaces), !named.isEmpty,
            let made = try Row.fetchOne(
                db, sql: "SELECT sender, issuedDate, packedAt, madeHere FROM packet WHERE packetId = ?",
                arguments: [metadata.packetId.rawValue]), (made["madeHere"] as Int?) == 1
        else { return }
        let agency: String = made["sender"]
        let issued: String = made["issuedDate"]
        guard let year = Int(issued.prefix(4)) else { return }
        // The full FileCode, or only the notation (the agency and year follow from the document).
        let prefix = agency + "." + String(format: "%04d", year) + "."
        let notation = named.hasPrefix(prefix) ? String(named.dropFirst(prefix.count)) : named
        guard FileRecord.isValidNotation(notation) else { return }
        let fileCode = FileRecord.code(agency: agency, year: year, notation: notation)
        let at: String = made["packedAt"]
        try db.execute(
            sql: """
                INSERT INTO fileRecord (fileCode, agency, year, notation, createdAt, createdBy) VALUES (?, ?, ?, ?, ?, 'sidecar')
                ON CONFLICT (fileCode) DO UPDATE SET createdAt = excluded.createdAt, createdBy = 'sidecar'
                WHERE fileRecord.createdBy = ''
                """, arguments: [fileCode, agency, year, notation, at])
        try db.execute(
            sql: "INSERT OR IGNORE INTO recordMember VALUES (?, ?, ?, 'sidecar', ?, ?)",
            arguments: [metadata.packetId.rawValue, agency, fileCode, at, agency])
    }

    /// One record, with its computed fields.
    public func fileRecord(_ fileCode: String) throws -> FileRecord? {
        try pool.read { db in try Self.records(db, "WHERE r.fileCode = ?", [fileCode]).first }
    }

    /// The list of records (danh mục hồ sơ) of `agency` for `year`, by notation.
    public func fileRecords(agency: String, year: Int) throws -> [FileRecord] {
        try pool.read { db in try Self.records(db, "WHERE r.agency = ? AND r.year = ?", [agency, year]) }
    }

    /// The packets in a record, in issue order.
    public func recordPackets(_ fileCode: String) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT m.packetId FROM recordMember m JOIN packet p ON p.packetId = m.packetId
                    WHERE m.fileCode = ? ORDER BY p.issuedDate, p.packedAt, p.packetId
                    """, arguments: [fileCode])
        }
    }

    /// The records a packet is in (at most one per agency), by agency.
    public func recordsOf(packet packetId: String) throws -> [String: String] {
        try pool.read { db in
            var found: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT agency, fileCode FROM recordMember WHERE packetId = ? AND fileCode != ''",
                arguments: [packetId])
            {
                found[row["agency"]] = row["fileCode"]
            }
            return found
        }
    }

    static func records(_ db: Database, _ condition: String, _ arguments: [any DatabaseValueConvertible])
        throws -> [FileRecord]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT r.*, MIN(p.issuedDate) AS startDate, MAX(p.issuedDate) AS endDate, COUNT(p.packetId) AS docTotal,
                       COALESCE(SUM(CAST(json_extract(c.metadata, '$.pageAmount') AS INTEGER)), 0) AS pageTotal
                FROM fileRecord r
                LEFT JOIN recordMember m ON m.fileCode = r.fileCode
                LEFT JOIN packet p ON p.packetId = m.packetId
                LEFT JOIN catalog c ON c.packetId = m.packetId
                \(condition)
                GROUP BY r.fileCode ORDER BY r.notation
                """, arguments: StatementArguments(arguments)
        ).map { row in
            FileRecord(
                fileCode: row["fileCode"], agency: row["agency"], year: row["year"], notation: row["notation"],
                title: row["title"], maintenance: row["maintenance"], rights: row["rights"], creator: row["creator"],
                language: row["language"], description: row["description"], createdAt: row["createdAt"],
                createdBy: row["createdBy"], startDate: row["startDate"], endDate: row["endDate"],
                docTotal: row["docTotal"], pageTotal: row["pageTotal"])
        }
    }
}

/// A record handed over to the agency archive (`lienthong handover`, Decree 30/2020 Art 30).
public struct HandedOver: Sendable, Equatable, Codable {
    public let fileCode: String
    public let at: String
    /// The hand-over package's folder, as written.
    public let bag: String
}

extension LedgerIndex {
    /// The `admin` action of a hand-over.
    public static let handoverAction = "handover"

    static func registerHandovers(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-handover") { db in
            try db.execute(
                sql: """
                    CREATE TABLE handover (
                        fileCode TEXT PRIMARY KEY, agency TEXT NOT NULL, at TEXT NOT NULL, bag TEXT NOT NULL,
                        sequence INTEGER NOT NULL);
                    CREATE TABLE handedPacket (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, fileCode TEXT NOT NULL, at TEXT NOT NULL,
                        PRIMARY KEY (packetId, agency));
                    """)
        }
    }

    static func applyHandover(action: String, details: JSONValue?, sequence: Int64, at: String, _ db: Database)
        throws
    {
        guard action == handoverAction, let details, let agency = details["agency"]?.stringValue,
            let bag = details["bag"]?.stringValue
        else { return }
        for record in details["records"]?.arrayValue ?? [] {
            guard let fileCode = record["fileCode"]?.stringValue else { continue }
            try db.execute(
                sql: "INSERT OR IGNORE INTO handover VALUES (?, ?, ?, ?, ?)",
                arguments: [fileCode, agency, at, bag, sequence])
            for packet in (record["packets"]?.arrayValue ?? []).compactMap(\.stringValue) {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO handedPacket VALUES (?, ?, ?, ?)",
                    arguments: [packet, agency, fileCode, at])
            }
        }
    }

    /// The hand-over of a record, if it was handed over.
    public func handover(of fileCode: String) throws -> HandedOver? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM handover WHERE fileCode = ?", arguments: [fileCode]).map {
                HandedOver(fileCode: $0["fileCode"], at: $0["at"], bag: $0["bag"])
            }
        }
    }

    /// Of `packetIds`, those handed over (by any agency), with when and in which record.
    public func handedOver(_ packetIds: [String]) throws -> [String: (at: String, fileCode: String)] {
        guard !packetIds.isEmpty else { return [:] }
        return try pool.read { db in
            var found: [String: (at: String, fileCode: String)] = [:]
            for chunk in stride(from: 0, to: packetIds.count, by: 500) {
                let slice = Array(packetIds[chunk..<min(chunk + 500, packetIds.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                for row in try Row.fetchAll(
                    db, sql: "SELECT packetId, at, fileCode FROM handedPacket WHERE packetId IN (\(marks))",
                    arguments: StatementArguments(slice))
                {
                    found[row["packetId"]] = (row["at"], row["fileCode"])
                }
            }
            return found
        }
    }

    /// Records with documents not handed over yet, of every agency, oldest year first.
    public func recordsNotHandedOver() throws -> [FileRecord] {
        try pool.read { db in
            try Self.records(
                db,
                "WHERE r.fileCode NOT IN (SELECT fileCode FROM handover) AND r.fileCode IN "
                    + "(SELECT fileCode FROM recordMember WHERE fileCode != '')", [])
        }
    }
}

/// When a record must be in the agency archive: at most one year after the year its work ended (the Law on Archives
/// 33/2024/QH15, Decree 30/2020 Art 30), so by the end of the year after its list's year; the office warns from 30
/// days before (Decree 30/2020 App. VI III.5.b).
public enum HandoverDeadline {
    /// How long before the deadline the office warns.
    public static let warning: TimeInterval = 30 * 86_400

    /// The end of the year after `year`, in `timeZone`.
    public static func deadline(year: Int, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year + 2, month: 1, day: 1))!
    }

    /// Records with documents not handed over whose deadline is within 30 days of `now` or past.
    public static func due(_ records: [FileRecord], now: Date, timeZone: TimeZone) -> [(FileRecord, Date)] {
        records.compactMap { record in
            let deadline = deadline(year: record.year, timeZone: timeZone)
            return now >= deadline.addingTimeInterval(-warning) ? (record, deadline) : nil
        }
    }

    /// `recordsNotHandedOver`, read without opening the index for writing (doctor).
    public static func pending(readOnlyAt path: String) throws -> [FileRecord] {
        try LedgerIndex.readOnly(path: path, busyTimeout: 5).read { db in
            guard try db.tableExists("handover") else { return [] }
            return try LedgerIndex.records(
                db,
                "WHERE r.fileCode NOT IN (SELECT fileCode FROM handover) AND r.fileCode IN "
                    + "(SELECT fileCode FROM recordMember WHERE fileCode != '')", [])
        }
    }
}
