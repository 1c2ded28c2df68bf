import DurableIO
import Foundation
import Ledger
import Packets
import Spool

/// `lienthong queue list|hold|release|retry|drop`: the deliveries the office still owes, and what an admin may do
/// with them (Postfix's `postqueue`/`postsuper` are the model). The index says what is owed; the daemon's snapshot
/// (`state/queue.json`) adds attempts, last error and next try; holds, retries and drops are journaled and the
/// daemon takes them at its next pass.
public struct QueueAdmin {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    /// One waiting delivery, as `queue list` shows it.
    public struct Entry: Sendable {
        public let delivery: PendingDelivery
        public let attempts: Int
        public let lastError: String?
        public let nextTry: String?
        public let held: Bool
        public let ageSeconds: Int64
    }

    /// Every waiting delivery, by route (recipient), oldest first.
    public func list() throws -> [Entry] {
        let index = try session.index()
        let pending = try index.pendingDeliveries()
        let holds = try index.holds()
        let heldRoutes = Set(holds.filter { $0.kind == "route" }.map(\.key))
        let heldPackets = Set(holds.filter { $0.kind == "packet" }.map(\.key))
        let snapshot = Self.snapshot(session.spool)
        let now = session.now()
        return pending.map { delivery in
            let known = snapshot[delivery.packetId + " " + delivery.recipient]
            let age = Timestamp.parse(delivery.packedAt).map { Int64(max(0, now.timeIntervalSince($0))) } ?? 0
            return Entry(
                delivery: delivery, attempts: Self.integer(known?["attempts"]) ?? 0,
                lastError: known?["lastError"]?.stringValue, nextTry: known?["nextTry"]?.stringValue,
                held: heldRoutes.contains(delivery.recipient) || heldPackets.contains(delivery.packetId),
                ageSeconds: age)
        }
    }

    static func integer(_ value: JSONValue?) -> Int? {
        if case .number(let text) = value { return Int(text) }
        return nil
    }

    /// The daemon's snapshot, by "packet recipient".
    static func snapshot(_ spool: SpoolLayout) -> [String: JSONValue] {
        guard let bytes = try? Durable.readSmallFile(spool.state + "/queue.json", limit: 64 << 20),
            let value = try? JSONParser().parse(bytes), case .array(let items) = value["deliveries"] ?? .null
        else { return [:] }
        var result: [String: JSONValue] = [:]
        for item in items {
            guard let packet = item["packetId"]?.stringValue, let recipient = item["recipient"]?.stringValue else {
                continue
            }
            result[packet + " " + recipient] = item
        }
        return result
    }

    /// `queue hold PACKET…|--route CODE` and `queue release …`.
    public func hold(_ release: Bool, packets: [String], route: AgencyCode?) throws -> AdminPlan {
        let index = try session.index()
        let holds = try index.holds()
        let pending = try index.pendingDeliveries()
        guard !packets.isEmpty || route != nil else {
            throw AdminRefusal(vi: "cần PACKET… hoặc --route CODE.", en: "give PACKET… or --route CODE.")
        }
        if let route {
            guard try session.directory().agencies[route] != nil else {
                throw AdminRefusal(vi: "\(route) không phải cơ quan của hệ thống.", en: "\(route) is not an agency.")
            }
            let held = holds.contains { $0.kind == "route" && $0.key == route.rawValue }
            if held != release {
                throw AdminRefusal(
                    vi: release ? "tuyến \(route) không bị giữ." : "tuyến \(route) đang bị giữ rồi.",
                    en: release ? "the route \(route) is not held." : "the route \(route) is held already.")
            }
        }
        for packet in packets {
            let held = holds.contains { $0.kind == "packet" && $0.key == packet }
            if release {
                guard held else {
                    throw AdminRefusal(vi: "gói tin \(packet) không bị giữ.", en: "the packet \(packet) is not held.")
                }
            } else {
                guard pending.contains(where: { $0.packetId == packet }) else {
                    throw AdminRefusal(
                        vi: "gói tin \(packet) không có trong hàng đợi.", en: "the packet \(packet) is not waiting.",
                        advice: "lienthong queue list")
                }
                if held {
                    throw AdminRefusal(
                        vi: "gói tin \(packet) đang bị giữ rồi.", en: "the packet \(packet) is held already.")
                }
            }
        }
        let details = JSONValue.object([
            ("routes", .array(route.map { [.string($0.rawValue)] } ?? [])),
            ("packets", .array(packets.map(JSONValue.string))),
        ])
        let what = (route.map { ["route \($0)"] } ?? []) + packets.map { "packet \($0)" }
        let count = pending.filter { route?.rawValue == $0.recipient || packets.contains($0.packetId) }.count
        return AdminPlan(
            action: release ? "queue.release" : "queue.hold", target: route?.rawValue ?? packets.first,
            details: details, changes: [],
            summary: [
                (release ? "Thả — release " : "Giữ lại — hold ")
                    + what.joined(separator: ", ") + " (\(count) delivery/deliveries waiting)"
            ])
    }

    /// `queue retry PACKET…|--route CODE`: tried at the daemon's next pass, whatever their backoff.
    public func retry(packets: [String], route: AgencyCode?) throws -> AdminPlan {
        let pending = try session.index().pendingDeliveries()
        guard !packets.isEmpty || route != nil else {
            throw AdminRefusal(vi: "cần PACKET… hoặc --route CODE.", en: "give PACKET… or --route CODE.")
        }
        for packet in packets where !pending.contains(where: { $0.packetId == packet }) {
            throw AdminRefusal(
                vi: "gói tin \(packet) không có trong hàng đợi.", en: "the packet \(packet) is not waiting.",
                advice: "lienthong queue list")
        }
        if let route, !pending.contains(where: { $0.recipient == route.rawValue }) {
            throw AdminRefusal(vi: "không có gì chờ gửi tới \(route).", en: "nothing waits for \(route).")
        }
        let details = JSONValue.object([
            ("routes", .array(route.map { [.string($0.rawValue)] } ?? [])),
            ("packets", .array(packets.map(JSONValue.string))),
        ])
        return AdminPlan(
            action: "queue.retry", target: route?.rawValue ?? packets.first, details: details, changes: [],
            summary: [
                "Thử gửi lại ngay — retry now: "
                    + ((route.map { ["route \($0)"] } ?? []) + packets).joined(separator: ", ")
            ])
    }

    /// `queue drop PACKET|ALL --to CODE|ALL --reason …`: the delivery is given up; the packet stays archived, the
    /// sender's status says it was not delivered and why. More than one delivery only with the word ALL.
    public func drop(packet: String, to recipient: String) throws -> AdminPlan {
        guard !session.reason.isEmpty, session.reason != AdminSession.noReason else {
            throw AdminRefusal(
                vi: "cần --reason: lý do được ghi vào trạng thái gửi của cơ quan gửi.",
                en: "--reason is required: it is written into the sender's status.")
        }
        let pending = try session.index().pendingDeliveries()
        let chosen = pending.filter {
            (packet == "ALL" || $0.packetId == packet) && (recipient == "ALL" || $0.recipient == recipient)
        }
        guard !chosen.isEmpty else {
            throw AdminRefusal(
                vi: "không có lần gửi nào như vậy đang chờ.", en: "no such delivery is waiting.",
                advice: "lienthong queue list")
        }
        if packet == "ALL", recipient == "ALL" {
            throw AdminRefusal(
                vi: "không bỏ toàn bộ hàng đợi một lần; nêu --to CODE hoặc một gói tin.",
                en: "the whole queue is never dropped at once; give --to CODE or one packet.")
        }
        let events = chosen.compactMap { delivery -> LedgerEvent? in
            guard let id = PacketID(delivery.packetId), let code = AgencyCode(delivery.recipient) else { return nil }
            return .undelivered(packetId: id, recipient: code, reason: session.reason, by: session.actor)
        }
        let details = JSONValue.object([
            (
                "deliveries",
                .array(
                    chosen.map {
                        .object([("packetId", .string($0.packetId)), ("recipient", .string($0.recipient))])
                    })
            )
        ])
        return AdminPlan(
            action: "queue.drop", target: packet == "ALL" ? recipient : packet, details: details, changes: [],
            summary: chosen.map {
                "Bỏ gửi — drop \($0.packetId) \($0.numberAndNotation) → \($0.recipient) (the packet stays archived)"
            }, events: events)
    }
}
