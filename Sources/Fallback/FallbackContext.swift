import Foundation
import Packets

/// The Mustache contexts of the paper fallback pages (`Templates/fallback-log.html.mustache`,
/// `Templates/incident-report.html.mustache`): plain strings, ready to print.
struct FallbackContext {
    let state: FallbackState
    let timeZone: TimeZone
    let now: Date
    let threshold: Duration

    func when(_ date: Date?) -> String { date.map { Timestamp.vietnamese($0, in: timeZone) } ?? "" }

    /// The printable paper log: every document, oldest first, with empty hand-over columns to fill by hand.
    func log() -> [String: Any] {
        let rows = state.entries.enumerated().map { row($0.element, number: $0.offset + 1) }
        var context: [String: Any] = [
            "generatedAt": when(now), "count": rows.count, "rows": rows,
            "waiting": state.entries.filter { $0.state == "waiting" }.count,
        ]
        // Only when there is one: a missing key is false to Mustache, an empty optional is not.
        if let open = state.openIncident { context["openIncident"] = ["id": open.id, "since": when(open.since)] }
        return context
    }

    /// The incident report (biên bản sự cố kỹ thuật).
    func report(_ incident: FallbackState.Incident) -> [String: Any] {
        let entries = state.entries(of: incident.id)
        let routes: [[String: Any]] = incident.routes.map { code in
            let name = entries.first { $0.document.recipient == code }?.document.recipientName ?? code
            return [
                "code": code, "name": name, "failing": state.failing[code] != nil,
                "restoredAt": when(state.restoredAt[code]),
            ]
        }
        var context: [String: Any] = [
            "id": incident.id, "open": incident.isOpen, "officeDown": incident.cause == "office",
            "since": when(incident.since), "openedAt": when(incident.openedAt), "end": when(incident.end),
            "closedAt": when(incident.closedAt),
            "duration": incident.workingSeconds.map(Self.duration) ?? "", "routes": routes,
            "hasRoutes": !routes.isEmpty,
            "rows": entries.enumerated().map { row($0.element, number: $0.offset + 1) },
            "documents": entries.count,
            "delivered": entries.filter { $0.deliveredAt != nil }.count,
            "handedOver": entries.filter { $0.handover != nil }.count,
            "waiting": entries.filter { $0.state == "waiting" }.count,
            "immediate": entries.filter(\.document.immediate).count,
            "generatedAt": when(now),
        ]
        let senders = Array(Set(entries.map { "\($0.document.senderName) (\($0.document.sender))" })).sorted()
        context["senders"] = senders.joined(separator: "; ")
        context["hasSenders"] = !senders.isEmpty
        let day = CalendarDate(now, in: timeZone)
        context["day"] = day.day
        context["month"] = day.month
        context["year"] = day.year
        return context
    }

    func row(_ entry: FallbackState.Entry, number: Int) -> [String: Any] {
        let document = entry.document
        return [
            "number": number, "numberAndNotation": document.numberAndNotation,
            "issued": CalendarDate(iso: document.issuedDate)?.vietnamese ?? document.issuedDate,
            "typeAndSubject": Self.typeAndSubject(document), "signer": document.signer,
            "sender": "\(document.senderName) (\(document.sender))",
            "recipient": "\(document.recipientName) (\(document.recipient))",
            "priority": document.priorityLabel, "secrecy": document.secrecyLabel, "immediate": document.immediate,
            "packetId": document.packetId, "addedAt": when(entry.addedAt),
            "reason": Self.reason(document.reason, threshold: threshold),
            "handedOverAt": when(entry.handover?.at), "handedOverBy": entry.handover?.by ?? "",
            "deliveredAt": when(entry.deliveredAt), "state": Self.stateLabel(entry, timeZone: timeZone),
        ]
    }

    /// The reconciliation state in Vietnamese.
    static func stateLabel(_ entry: FallbackState.Entry, timeZone: TimeZone) -> String {
        let number = entry.handover?.arrivalNumber.map { ", số đến \($0)" } ?? ""
        switch entry.state {
        case "waiting": return "Chờ chuyển bản giấy"
        case "handed-over": return "Đã giao bản giấy\(number); chờ bản điện tử"
        case "delivered":
            return "Đã chuyển điện tử lúc \(entry.deliveredAt.map { Timestamp.vietnamese($0, in: timeZone) } ?? "")"
        case "refused":
            return
                "Nơi nhận từ chối gói tin (thông báo 02) lúc \(entry.refusedAt.map { Timestamp.vietnamese($0, in: timeZone) } ?? ""); xem thư mục rejected"
        default: return "Đã đối chiếu: đã giao bản giấy\(number), bản điện tử đã đến (không vào sổ lại)"
        }
    }

    static func reason(_ reason: String, threshold: Duration) -> String {
        switch reason {
        case "urgent": "Hỏa tốc: báo cáo ngay người có thẩm quyền"
        case "office": "Hệ thống ngừng hoạt động"
        default: "Gián đoạn quá \(duration(threshold.seconds)) làm việc liên tục"
        }
    }

    /// The type and summary; a document with a secrecy level shows only its type and level (its summary stays
    /// out of pages and notices that many people can read).
    static func typeAndSubject(_ document: FallbackDocument) -> String {
        document.secrecyLabel.isEmpty
            ? "\(document.typeName): \(document.subject)"
            : "\(document.typeName) (\(document.secrecyLabel.uppercased()): trích yếu không ghi ở đây)"
    }

    /// `3 giờ 15 phút`, `45 phút`, `12 giây`: working time as a report states it.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) giây" }
        let hours = total / 3600
        let minutes = total % 3600 / 60
        if hours == 0 { return "\(minutes) phút" }
        return minutes == 0 ? "\(hours) giờ" : "\(hours) giờ \(minutes) phút"
    }
}
