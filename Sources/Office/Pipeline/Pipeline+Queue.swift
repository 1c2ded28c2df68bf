import DurableIO
import Foundation
import Ledger
import Packets

extension Pipeline {
    /// Takes what admins asked since the last pass: `queue retry` (those deliveries are tried now, their backoff
    /// forgotten) and `queue release` (released deliveries are tried now too).
    func takeAdminRequests() throws {
        let seen = try retrySequence ?? index.lastRetryRequest()
        let requests = try index.retryRequests(after: seen)
        retrySequence = requests.last
        let holds = Set(try index.holds().map { "\($0.kind) \($0.key)" })
        let released = lastHolds.subtracting(holds)
        lastHolds = holds
        var routes = requests.routes
        var packets = requests.packets
        for item in released {
            let parts = item.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "route" { routes.insert(parts[1]) } else { packets.insert(parts[1]) }
        }
        guard !routes.isEmpty || !packets.isEmpty else { return }
        expedite(Set(routes.compactMap(AgencyCode.init)))
        expedite(packets: packets)
        logger.info(
            "deliveries tried now at an admin's request",
            metadata: ["routes": "\(routes.sorted())", "packets": "\(packets.count)"])
    }

    /// The queue as the daemon holds it, for `lienthong queue list`: attempts, last error and next try of each
    /// waiting delivery, in `state/queue.json` (rewritten when it changes). The index says what is owed; this adds
    /// what only the running daemon knows.
    func writeQueueSnapshot(now: Date) {
        var entries: [JSONValue] = []
        for shipment in waiting.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            for recipient in shipment.pending {
                var fields: [(String, JSONValue)] = [
                    ("packetId", .string(shipment.id.rawValue)), ("recipient", .string(recipient.rawValue)),
                    ("attempts", .integer(Int64(shipment.attempts[recipient] ?? 0))),
                    ("held", .bool(shipment.held.contains(recipient))),
                ]
                if let error = shipment.lastFailure[recipient] { fields.append(("lastError", .string(error))) }
                if let retry = shipment.retry, retry.at != .distantFuture {
                    fields.append(("nextTry", .string(Timestamp.string(retry.at, in: config.calendar.timeZone))))
                }
                entries.append(.object(fields))
            }
        }
        let bytes = JSONWriter.bytes(.object([("deliveries", .array(entries))]))
        guard bytes != lastSnapshot else { return }
        do {
            try Durable.writeFile(at: spool.state + "/queue.json", bytes: bytes, mode: 0o600, replace: true)
            lastSnapshot = bytes
        } catch {
            logger.warning("cannot write the queue snapshot", metadata: ["error": "\(error)"])
        }
    }

    /// Deliveries of these packets are tried at the next pass.
    func expedite(packets: Set<String>) {
        guard !packets.isEmpty else { return }
        for index in waiting.indices where packets.contains(waiting[index].id.rawValue) {
            waiting[index].retry = nil
        }
    }
}
