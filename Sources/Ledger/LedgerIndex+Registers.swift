import Foundation
import GRDB
import Packets

/// A row of the index that is not what its schema promises (a NULL, or a value of another type, where a register
/// needs one): thrown rather than trapped on.
public struct LedgerIndexRowError: Error, Sendable, CustomStringConvertible {
    public let table: String
    public let column: String
    public let value: String

    public var description: String {
        "the index's \(table).\(column) holds \(value), which is not what the schema allows"
    }
}

extension LedgerIndex {
    /// What the index knows of a packet in its sender's outgoing register (Decree 30/2020 App. IV).
    public struct OutgoingEntry: Sendable, Equatable {
        public let packetId: String
        /// The packet file, spool-relative (its sidecar is beside it).
        public let archivePath: String
        public let packedAt: String
        /// The arrival numbers its recipients gave it, by recipient code order.
        public let receipts: [Receipt]
        /// The recipients whose receiving check refused it.
        public let refusedBy: Set<String>

        /// An arrival number a recipient gave.
        public struct Receipt: Sendable, Equatable {
            public let agency: AgencyCode
            public let number: Int64
        }
    }

    /// What the index knows of an arrival in its recipient's incoming register.
    public struct IncomingEntry: Sendable, Equatable {
        public let packetId: String
        public let series: String
        public let number: Int64
        public let registeredAt: String
        public let late: Bool
        /// The legal check's findings, as JSON text.
        public let legal: String?
        /// Registered from its paper copy during an outage.
        public let paper: Bool
        public let receivedAt: String?
        public let receivedBy: String?
        /// The packet file, spool-relative.
        public let archivePath: String
    }

    /// The packets `sender` sent dated in `year`, in the order they were sent (packed), with their arrival numbers
    /// and refusals; those its own agency refused (a packet placed in its own inbox) are left out. One query.
    public func outgoingRegister(sender: AgencyCode, year: Int) throws -> [OutgoingEntry] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT packet.packetId, packet.archivePath, packet.packedAt, arrival.agency AS arrivalAgency,
                           arrival.number AS arrivalNumber, refusal.agency AS refusedBy
                    FROM packet
                    LEFT JOIN arrival ON arrival.packetId = packet.packetId
                    LEFT JOIN refusal ON refusal.packetId = packet.packetId
                    WHERE packet.sender = ? AND substr(packet.issuedDate, 1, 4) = ?
                      AND packet.packetId NOT IN (SELECT own.packetId FROM refusal AS own WHERE own.agency = packet.sender)
                    ORDER BY packet.packedAt, packet.packetId, arrival.agency
                    """, arguments: [sender.rawValue, String(format: "%04d", year)])
            var entries: [OutgoingEntry] = []
            var current:
                (
                    packetId: String, archivePath: String, packedAt: String, receipts: [OutgoingEntry.Receipt],
                    refused: Set<String>
                )?
            func flush() {
                guard let current else { return }
                entries.append(
                    OutgoingEntry(
                        packetId: current.packetId, archivePath: current.archivePath, packedAt: current.packedAt,
                        receipts: current.receipts, refusedBy: current.refused))
            }
            for row in rows {
                let packetId: String = try Self.column(row, "packetId", of: "packet")
                if current?.packetId != packetId {
                    flush()
                    current = (
                        packetId, try Self.column(row, "archivePath", of: "packet"),
                        try Self.column(row, "packedAt", of: "packet"),
                        [], []
                    )
                }
                if let agency: String = try Self.optionalColumn(row, "arrivalAgency", of: "arrival") {
                    guard let code = AgencyCode(agency) else {
                        throw LedgerIndexRowError(table: "arrival", column: "agency", value: "\"\(agency)\"")
                    }
                    let number: Int64 = try Self.column(row, "arrivalNumber", of: "arrival")
                    if current?.receipts.last?.agency != code {
                        current?.receipts.append(.init(agency: code, number: number))
                    }
                }
                if let refused: String = try Self.optionalColumn(row, "refusedBy", of: "refusal") {
                    current?.refused.insert(refused)
                }
            }
            flush()
            return entries
        }
    }

    /// The arrivals `recipient` registered in `year` in `series` (`thuong`, or `mat` for secret documents), in
    /// arrival-number order. One query.
    public func incomingRegister(recipient: AgencyCode, year: Int, series: String) throws -> [IncomingEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT arrival.packetId, arrival.series, arrival.number, arrival.registeredAt, arrival.late, arrival.legal,
                           arrival.medium, arrival.receivedAt, arrival.receivedBy, packet.archivePath
                    FROM arrival JOIN packet ON packet.packetId = arrival.packetId
                    WHERE arrival.agency = ? AND arrival.year = ? AND arrival.series = ?
                    ORDER BY arrival.number
                    """, arguments: [recipient.rawValue, year, series]
            )
            .map { row in
                IncomingEntry(
                    packetId: try Self.column(row, "packetId", of: "arrival"),
                    series: try Self.column(row, "series", of: "arrival"),
                    number: try Self.column(row, "number", of: "arrival"),
                    registeredAt: try Self.column(row, "registeredAt", of: "arrival"),
                    late: try Self.column(row, "late", of: "arrival"),
                    legal: try Self.optionalColumn(row, "legal", of: "arrival"),
                    paper: try Self.optionalColumn(row, "medium", of: "arrival") as String? == "paper",
                    receivedAt: try Self.optionalColumn(row, "receivedAt", of: "arrival"),
                    receivedBy: try Self.optionalColumn(row, "receivedBy", of: "arrival"),
                    archivePath: try Self.column(row, "archivePath", of: "packet"))
            }
        }
    }

    /// A column that must hold a `T`.
    private static func column<T: DatabaseValueConvertible>(_ row: Row, _ name: String, of table: String) throws -> T {
        guard let value: T = try optionalColumn(row, name, of: table) else {
            throw LedgerIndexRowError(table: table, column: name, value: "NULL")
        }
        return value
    }

    /// A column that holds a `T` or NULL.
    private static func optionalColumn<T: DatabaseValueConvertible>(_ row: Row, _ name: String, of table: String) throws
        -> T?
    {
        let value: DatabaseValue = (row[name] as DatabaseValue?) ?? .null
        if value.isNull { return nil }
        guard let converted = T.fromDatabaseValue(value) else {
            throw LedgerIndexRowError(table: table, column: name, value: value.description)
        }
        return converted
    }
}
