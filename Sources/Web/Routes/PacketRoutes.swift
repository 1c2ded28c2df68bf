import Foundation
import Hummingbird
import Ledger
import NIOPosix
import Packets

/// The packet page (`/packets/:id`) and its verification button (`POST /packets/:id/kiem-tra`).
struct PacketRoutes {
    let services: WebServices
    var access: PacketAccess { PacketAccess(services: services) }

    func register(on group: RouterGroup<WebContext>) {
        group.get("/packets/:id") { _, context in try await page(context, verdict: nil) }
        group.post("/packets/:id/kiem-tra") { _, context in
            let record = try await access.record(context.parameters.get("id"), context)
            let desk = services.desk
            let outcome = try await NIOThreadPool.singleton.runIfActive {
                let outcome = try PacketVerification.verify(record, desk: desk)
                switch outcome {
                case .valid: try desk.recordVerifications([(record.hit.packetId, "valid", "")], via: "web")
                case .invalid(let why):
                    try desk.recordVerifications([(record.hit.packetId, "invalid", why)], via: "web")
                }
                return outcome
            }
            return try await page(context, verdict: PacketVerification.verdict(outcome))
        }
    }

    private func page(_ context: WebContext, verdict: [String: Any]?) async throws -> Response {
        let record = try await access.record(context.parameters.get("id"), context)
        try await access.recordAccess(record, action: "view", file: nil, context)
        var values = PacketPage.values(record, names: services.desk.names)
        if let verdict { values["verdict"] = verdict }
        // The records it is in: a clerk sees its own agency's, others every agency's.
        let index = services.desk.index
        let packetId = record.hit.packetId
        let (records, handed, tombstone) = try await NIOThreadPool.singleton.runIfActive {
            (
                try index.recordsOf(packet: packetId), try index.handedOver([packetId])[packetId],
                try index.tombstones([packetId])[packetId]
            )
        }
        if let tombstone {
            values["destroyed"] =
                "Văn bản đã được huỷ theo đề nghị \(tombstone.disposal) lúc "
                + (Timestamp.parse(tombstone.at).map { Timestamp.vietnamese($0) } ?? tombstone.at)
                + " (hết thời hạn bảo quản; hai quản trị viên đã duyệt). Chỉ còn thông tin mô tả."
        }
        if let handed {
            values["handedOver"] =
                "Đã nộp lưu vào Lưu trữ cơ quan "
                + (Timestamp.parse(handed.at).map { Timestamp.vietnamese($0) } ?? handed.at)
                + " (hồ sơ \(handed.fileCode))"
        }
        let own = context.account?.role == .clerk ? context.account?.agency : nil
        values["records"] = records.sorted { $0.key < $1.key }.filter { own == nil || $0.key == own }.map {
            ["fileCode": $0.value, "link": WebPaths.record($0.value), "agency": services.desk.names[$0.key] ?? $0.key]
        }
        return services.pages.render(
            .packet, title: "\(record.hit.typeName) \(record.hit.numberAndNotation)", values, context: context)
    }
}
