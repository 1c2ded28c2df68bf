import Foundation
import Packets

/// The notice clerks find in their agency folder during an outage (`THÔNG BÁO SỰ CỐ.txt`): electronic delivery to
/// whom is suspended since when, and which documents to carry on paper. Nil when nothing concerns the agency.
enum OutageNotice {
    static func text(for agency: AgencyCode, state: FallbackState, names: [AgencyCode: String], fallbackDirectory: String,
                     timeZone: TimeZone) -> String? {
        let code = agency.rawValue
        let open = state.openIncident
        let outgoing = state.entries.filter { $0.document.sender == code && $0.deliveredAt == nil }
        let incoming = state.entries.filter { $0.document.recipient == code && $0.deliveredAt == nil }
        let ownRouteDown = open?.routes.contains(code) == true
        guard !outgoing.isEmpty || !incoming.isEmpty || ownRouteDown else { return nil }
        func when(_ date: Date) -> String { Timestamp.vietnamese(date, in: timeZone) }
        func name(_ code: String) -> String { AgencyCode(code).flatMap { names[$0] } ?? code }
        func line(_ entry: FallbackState.Entry, other: String) -> String {
            let document = entry.document
            var text = "  - \(document.numberAndNotation) ngày \(CalendarDate(iso: document.issuedDate)?.vietnamese ?? document.issuedDate)"
                + " — \(document.typeName): \(document.subject) — \(other)"
            text += " — độ khẩn: \(document.priorityLabel)"
            if !document.secrecyLabel.isEmpty { text += ", độ mật: \(document.secrecyLabel)" }
            if document.immediate { text += " — BÁO CÁO NGAY người có thẩm quyền" }
            if let handover = entry.handover { text += " — đã giao bản giấy lúc \(when(handover.at))" }
            return text + " — mã gói tin \(document.packetId)"
        }

        var lines = ["THÔNG BÁO SỰ CỐ CHUYỂN VĂN BẢN ĐIỆN TỬ — LienThong", "\(name(code)) (\(code))", ""]
        let routes = Set(outgoing.map(\.document.recipient)).union(ownRouteDown ? [code] : []).sorted()
        lines.append("Việc chuyển văn bản điện tử đang bị gián đoạn:")
        for route in routes {
            let target = route == code ? "hộp thư đến của cơ quan này" : "\(name(route)) (\(route))"
            var text = "  - đến \(target)"
            if let failing = state.failing[route] { text += ": không chuyển được từ \(when(failing.since))" }
            if open?.routes.contains(route) == true {
                text += " — đã quá ngưỡng giờ làm việc: chuyển sang văn bản giấy (Quyết định 17/2019/QĐ-UBND, Điều 8)"
            } else if state.failing[route] != nil {
                text += " — hệ thống đang tự động gửi lại"
            } else {
                text += " — đã hoạt động trở lại, đang chuyển các văn bản còn lại"
            }
            lines.append(text)
        }
        if !outgoing.isEmpty {
            lines += ["", "Văn bản cơ quan gửi đi cần chuyển bằng bản giấy:"]
            lines += outgoing.map { line($0, other: "nơi nhận: \($0.document.recipientName) (\($0.document.recipient))") }
        }
        if !incoming.isEmpty {
            lines += ["", "Văn bản gửi đến cơ quan sẽ được chuyển bằng bản giấy:"]
            lines += incoming.map { line($0, other: "nơi gửi: \($0.document.senderName) (\($0.document.sender))") }
        }
        lines += [
            "",
            "Sau khi giao bản giấy, ghi lại việc giao nhận: lienthong fallback handover <mã gói tin> --to <mã cơ quan nhận>",
            "(cơ quan nhận vào sổ văn bản đến ngay lúc đó; khi bản điện tử đến sau, văn bản không vào sổ lại).",
            "Sổ chuyển giao văn bản giấy và biên bản sự cố: \(fallbackDirectory)",
            "Khi việc chuyển điện tử hoạt động trở lại, các văn bản trên được chuyển tự động và thông báo này tự mất.",
            "",
            "---",
            "OUTAGE NOTICE — electronic delivery is interrupted for the routes above. Carry the documents listed on paper;",
            "record each hand-over with `lienthong fallback handover <packet-id> --to <recipient>`. Paper log and incident",
            "report: \(fallbackDirectory). This notice disappears once delivery works again and the backlog is delivered.",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
