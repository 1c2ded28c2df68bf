import Foundation
import GRDB
import Packets

/// A delivery the office still owes: a packet archived, not yet delivered to (nor refused by, nor given up for) one
/// of its recipients.
public struct PendingDelivery: Sendable, Equatable, Codable {
    public let packetId: String
    /// The recipient as the packet names it.
    public let recipient: String
    public let sender: String
    public let priority: String
    public let packedAt: String
    public let numberAndNotation: String
}

/// What `queue hold` holds: a whole route (an agency's deliveries), or one packet.
public struct DeliveryHold: Sendable, Equatable, Codable {
    /// `route` or `packet`.
    public let kind: String
    /// The agency code or packet id.
    public let key: String
    public let at: String
    public let by: String
    public let reason: String
}

extension LedgerIndex {
    /// `queue hold` and `queue release` admin records, as the holds they leave.
    static func applyHold(
        action: String, by: String, reason: String, details: JSONValue?, at: String, _ db: Database
    ) throws {
        guard action == "queue.hold" || action == "queue.release", let details else { return }
        for (kind, member) in [("route", "routes"), ("packet", "packets")] {
            guard case .array(let keys) = details[member] ?? .array([]) else { continue }
            for key in keys.compactMap(\.stringValue) {
                if action == "queue.hold" {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO hold VALUES (?, ?, ?, ?, ?)",
                        arguments: [kind, key, at, by, reason])
                } else {
                    try db.execute(sql: "DELETE FROM hold WHERE kind = ? AND key = ?", arguments: [kind, key])
                }
            }
        }
    }

    /// `queue retry` admin records, as requests the daemon takes.
    /// A `queue drop` is one too: the daemon takes the dropped deliveries out of its queue at once, held or not.
    static func applyRetry(action: String, details: JSONValue?, sequence: Int64, _ db: Database) throws {
        guard let details else { return }
        if action == "queue.drop", case .array(let deliveries) = details["deliveries"] ?? .null {
            let packets = Set(deliveries.compactMap { $0["packetId"]?.stringValue }).sorted()
            try db.execute(
                sql: "INSERT OR IGNORE INTO retryRequest VALUES (?, ?, ?)",
                arguments: [sequence, "", packets.joined(separator: " ")])
            return
        }
        guard action == "queue.retry" else { return }
        func keys(_ member: String) -> String {
            guard case .array(let items) = details[member] ?? .array([]) else { return "" }
            return items.compactMap(\.stringValue).joined(separator: " ")
        }
        try db.execute(
            sql: "INSERT OR IGNORE INTO retryRequest VALUES (?, ?, ?)",
            arguments: [sequence, keys("routes"), keys("packets")])
    }

    /// `queue retry` requests recorded after journal record `sequence`: the routes and packets to try at once, and
    /// the last request's sequence.
    public func retryRequests(after sequence: Int64) throws -> (routes: Set<String>, packets: Set<String>, last: Int64)
    {
        try pool.read { db in
            var routes: Set<String> = []
            var packets: Set<String> = []
            var last = sequence
            for row in try Row.fetchAll(
                db, sql: "SELECT sequence, routes, packets FROM retryRequest WHERE sequence > ? ORDER BY sequence",
                arguments: [sequence])
            {
                routes.formUnion((row["routes"] as String).split(separator: " ").map(String.init))
                packets.formUnion((row["packets"] as String).split(separator: " ").map(String.init))
                last = max(last, row["sequence"])
            }
            return (routes, packets, last)
        }
    }

    /// The sequence of the last `queue retry` request (0 before the first).
    public func lastRetryRequest() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM retryRequest") ?? 0 }
    }

    /// Every delivery still owed, oldest first: recipients of packets not yet filed under sent/ with no delivery,
    /// refusal, redirection or give-up recorded.
    public func pendingDeliveries() throws -> [PendingDelivery] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.packetId, r.agency, p.sender, p.priority, p.packedAt, p.codeNumber, p.codeNotation
                    FROM packet p JOIN recipient r ON r.packetId = p.packetId
                    WHERE p.completed = 0 AND p.madeHere = 1
                      AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.packetId = p.packetId AND d.agency = r.agency)
                      AND NOT EXISTS (SELECT 1 FROM refusal f WHERE f.packetId = p.packetId AND f.agency = r.agency)
                      AND NOT EXISTS (SELECT 1 FROM redirect x WHERE x.packetId = p.packetId AND x.agency = r.agency)
                      AND NOT EXISTS (SELECT 1 FROM undelivered u WHERE u.packetId = p.packetId AND u.agency = r.agency)
                      AND NOT EXISTS (SELECT 1 FROM rejection j WHERE j.packetId = p.packetId)
                    ORDER BY p.packedAt, p.packetId, r.agency
                    """
            ).map { row in
                PendingDelivery(
                    packetId: row["packetId"], recipient: row["agency"], sender: row["sender"],
                    priority: row["priority"], packedAt: row["packedAt"],
                    numberAndNotation: "\(row["codeNumber"] as String)/\(row["codeNotation"] as String)")
            }
        }
    }

    /// The holds in force.
    public func holds() throws -> [DeliveryHold] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, key, at, byWhom, reason FROM hold ORDER BY kind, key").map {
                DeliveryHold(kind: $0["kind"], key: $0["key"], at: $0["at"], by: $0["byWhom"], reason: $0["reason"])
            }
        }
    }

    /// The recipients a packet was given up for, with why.
    public func undelivered(_ packetId: String) throws -> [String: String] {
        try pool.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT agency, reason FROM undelivered WHERE packetId = ?", arguments: [packetId])
            {
                result[row["agency"]] = row["reason"]
            }
            return result
        }
    }

    /// The recipients of a packet redirected to their successors: retired code → successor.
    public func redirects(_ packetId: String) throws -> [String: String] {
        try pool.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT agency, successor FROM redirect WHERE packetId = ?", arguments: [packetId])
            {
                result[row["agency"]] = row["successor"]
            }
            return result
        }
    }
}
