import Foundation
import GRDB

/// The index's side of the yearly report (Decision 17/2019 Art 12.7): per agency, what it sent and received in a
/// year, read in a few queries.
public struct YearFigures: Sendable, Equatable {
    /// Packets made here and sent by the agency in the year (packed then, office time): issue date and send time.
    public var sent: [(issuedDate: String, packedAt: String)] = []
    /// Arrivals the agency registered in the year: when delivered (nil on paper) and when registered.
    public var received: [(deliveredAt: String?, registeredAt: String, paper: Bool)] = []
    /// Packets the agency refused on arrival in the year, by reason.
    public var refused: [String: Int] = [:]
    /// Drops returned to the agency's clerks in the year, by reason.
    public var returned: [String: Int] = [:]

    public init() {}

    public static func == (lhs: YearFigures, rhs: YearFigures) -> Bool {
        lhs.sent.map { "\($0)" } == rhs.sent.map { "\($0)" }
            && lhs.received.map { "\($0)" } == rhs.received.map { "\($0)" }
            && lhs.refused == rhs.refused && lhs.returned == rhs.returned
    }
}

extension LedgerIndex {
    /// The figures of every agency that did anything in `year`, by agency code. Years are the office's (timestamps
    /// carry the office's offset, so their first four characters are its year).
    public func yearFigures(_ year: Int) throws -> [String: YearFigures] {
        let text = String(format: "%04d", year)
        return try pool.read { db in
            var figures: [String: YearFigures] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT sender, issuedDate, packedAt FROM packet
                    WHERE madeHere = 1 AND substr(packedAt, 1, 4) = ? AND packetId NOT IN
                      (SELECT packetId FROM rejection WHERE packetId IS NOT NULL)
                    ORDER BY packedAt
                    """, arguments: [text])
            {
                figures[row["sender"], default: YearFigures()].sent.append((row["issuedDate"], row["packedAt"]))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.agency, a.registeredAt, a.medium, d.deliveredAt FROM arrival a
                    LEFT JOIN delivery d ON d.packetId = a.packetId AND d.agency = a.agency
                    WHERE a.year = ? ORDER BY a.registeredAt
                    """, arguments: [year])
            {
                let medium: String? = row["medium"]
                figures[row["agency"], default: YearFigures()].received.append(
                    (row["deliveredAt"], row["registeredAt"], medium == "paper"))
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT agency, reason, COUNT(*) AS n FROM refusal WHERE substr(at, 1, 4) = ? GROUP BY agency, reason",
                arguments: [text])
            {
                figures[row["agency"], default: YearFigures()].refused[row["reason"]] = row["n"]
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT agency, reason, COUNT(*) AS n FROM rejection WHERE substr(at, 1, 4) = ? GROUP BY agency, reason",
                arguments: [text])
            {
                figures[row["agency"], default: YearFigures()].returned[row["reason"]] = row["n"]
            }
            return figures
        }
    }
}
