import Foundation
import GRDB
import Packets

/// A year closed by `lienthong year close` (an `admin` record `year.close`), for the whole office or one agency.
public struct ClosedYear: Sendable, Equatable, Codable {
    public let year: Int
    /// The agency it was closed for; nil: the whole office (every agency, and `archive/YYYY/`).
    public let agency: String?
    /// The journal record that closed it.
    public let sequence: Int64
    public let closedAt: String
    /// The signed year manifest (spool-relative) and its SHA-256.
    public let manifest: String
    public let sha256: String
    /// Closed with `--force` while deliveries still waited.
    public let forced: Bool
}

/// One packet of a year, as the year manifest lists it.
public struct YearPacket: Sendable, Equatable {
    public let packetId: String
    public let sender: String
    public let codeNumber: String
    public let codeNotation: String
    public let issuedDate: String
    public let secrecy: String?
    public let packedAt: String
    public let archivePath: String
    public let sha256: String?
    public let size: Int64?
    /// Filed under the sender's `sent/` (every recipient served).
    public let completed: Bool
    public var recipients: [Recipient]

    /// What became of the packet at one recipient.
    public struct Recipient: Sendable, Equatable {
        public let agency: String
        public var deliveredAt: String?
        public var arrivalYear: Int?
        public var arrivalSeries: String?
        public var arrivalNumber: Int64?
        public var refused: String?
        public var redirectedTo: String?
        public var undelivered: String?
        /// Status codes answered (01, 02, 03 …), in order.
        public var statuses: [String] = []
    }
}

extension LedgerIndex {
    /// The `admin` action of a year close.
    public static let yearCloseAction = "year.close"

    static func registerYears(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-years") { db in
            try db.execute(
                sql: """
                    -- Years closed (lienthong year close): agency '' is the whole office.
                    CREATE TABLE closedYear (
                        year INTEGER NOT NULL, agency TEXT NOT NULL, sequence INTEGER NOT NULL, closedAt TEXT NOT NULL,
                        manifest TEXT NOT NULL, sha256 TEXT NOT NULL, forced INTEGER NOT NULL,
                        PRIMARY KEY (year, agency));
                    """)
        }
    }

    static func applyYearClose(action: String, details: JSONValue?, sequence: Int64, at: String, _ db: Database)
        throws
    {
        guard action == yearCloseAction, let details, let year = details["year"]?.integerValue,
            let manifest = details["manifest"]?.stringValue, let sha256 = details["sha256"]?.stringValue
        else { return }
        let forced = details["forced"]?.boolValue ?? false
        var agencies = (details["agencies"]?.arrayValue ?? []).compactMap(\.stringValue)
        if details["office"]?.boolValue == true { agencies.append("") }
        for agency in agencies {
            try db.execute(
                sql: "INSERT OR IGNORE INTO closedYear VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [year, agency, sequence, at, manifest, sha256, forced])
        }
    }

    /// Every closed year, by year then agency (the whole office first).
    public func closedYears() throws -> [ClosedYear] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM closedYear ORDER BY year, agency").map { row in
                let agency: String = row["agency"]
                return ClosedYear(
                    year: row["year"], agency: agency.isEmpty ? nil : agency, sequence: row["sequence"],
                    closedAt: row["closedAt"], manifest: row["manifest"], sha256: row["sha256"],
                    forced: row["forced"])
            }
        }
    }

    /// The packets of `year`: archived under `archive/YYYY/`, dated in the year (the outgoing registers), or
    /// registered in the year (the incoming registers); only those `agencies` sent or received when given. Each
    /// with what became of it at every recipient. In packing order.
    public func yearPackets(_ year: Int, agencies: Set<String>? = nil) throws -> [YearPacket] {
        let text = String(format: "%04d", year)
        return try pool.read { db in
            var sql = """
                SELECT * FROM packet
                WHERE (archivePath LIKE ? OR substr(issuedDate, 1, 4) = ?
                       OR packetId IN (SELECT packetId FROM arrival WHERE year = ?))
                """
            var arguments: [any DatabaseValueConvertible] = ["archive/\(text)/%", text, year]
            if let agencies {
                let marks = Array(repeating: "?", count: agencies.count).joined(separator: ", ")
                sql += """
                     AND (sender IN (\(marks)) OR packetId IN (SELECT packetId FROM recipient WHERE agency IN (\(marks))))
                    """
                arguments += Array(agencies.sorted()) + Array(agencies.sorted())
            }
            sql += " ORDER BY packedAt, packetId"
            var packets = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                YearPacket(
                    packetId: row["packetId"], sender: row["sender"], codeNumber: row["codeNumber"],
                    codeNotation: row["codeNotation"], issuedDate: row["issuedDate"], secrecy: row["secrecy"],
                    packedAt: row["packedAt"], archivePath: row["archivePath"], sha256: row["sha256"],
                    size: row["size"], completed: row["completed"], recipients: [])
            }
            for (position, packet) in packets.enumerated() {
                packets[position].recipients = try recipients(of: packet.packetId, db)
            }
            return packets
        }
    }

    private func recipients(of packetId: String, _ db: Database) throws -> [YearPacket.Recipient] {
        var byAgency: [String: YearPacket.Recipient] = [:]
        for agency in try String.fetchAll(
            db, sql: "SELECT agency FROM recipient WHERE packetId = ? ORDER BY agency", arguments: [packetId])
        {
            byAgency[agency] = YearPacket.Recipient(agency: agency)
        }
        func update(_ sql: String, _ body: (inout YearPacket.Recipient, Row) -> Void) throws {
            for row in try Row.fetchAll(db, sql: sql, arguments: [packetId]) {
                let agency: String = row["agency"]
                body(&byAgency[agency, default: YearPacket.Recipient(agency: agency)], row)
            }
        }
        try update("SELECT agency, deliveredAt FROM delivery WHERE packetId = ?") { $0.deliveredAt = $1["deliveredAt"] }
        try update("SELECT agency, year, series, number FROM arrival WHERE packetId = ?") {
            $0.arrivalYear = $1["year"]
            $0.arrivalSeries = $1["series"]
            $0.arrivalNumber = $1["number"]
        }
        try update("SELECT agency, reason FROM refusal WHERE packetId = ?") { $0.refused = $1["reason"] }
        try update("SELECT agency, successor FROM redirect WHERE packetId = ?") { $0.redirectedTo = $1["successor"] }
        try update("SELECT agency, reason FROM undelivered WHERE packetId = ?") { $0.undelivered = $1["reason"] }
        try update("SELECT agency, code FROM status WHERE packetId = ? ORDER BY at, code") {
            $0.statuses.append($1["code"])
        }
        return byAgency.keys.sorted().map { byAgency[$0]! }
    }
}
