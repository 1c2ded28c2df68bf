import Foundation
import Packets

/// The notice clerks find in their agency folder during an outage (`THÔNG BÁO SỰ CỐ.txt`): electronic delivery to
/// whom is suspended since when, and which documents to carry on paper. Nil when nothing concerns the agency.
enum OutageNotice {
    static func text(
        for agency: AgencyCode, state: FallbackState, names: [AgencyCode: String], fallbackDirectory: String,
        timeZone: TimeZone, threshold: Duration
    ) -> String? {
        let code = agency.rawValue
        let open = state.openIncident
        let outgoing = state.entries.filter { $0.document.sender == code && !$0.settled }
        let incoming = state.entries.filter { $0.document.recipient == code && !$0.settled }
        let ownRouteDown = open?.routes.contains(code) == true
        guard !outgoing.isEmpty || !incoming.isEmpty || ownRouteDown else { return nil }
        func when(_ date: Date) -> String { Timestamp.vietnamese(date, in: timeZone) }
        func name(_ code: String) -> String { AgencyCode(code).flatMap { names[$0] } ?? code }
        func line(_ entry: FallbackState.Entry, other: String) -> String {
            let document = entry.document
            var text =
                "  - \(document.numberAndNotation) ngày \(CalendarDate(iso: document.issuedDate)?.vietnamese ?? document.issuedDate)"
                + " — \(FallbackContext.typeAndSubject(document)) — \(other)"
            text += " — độ khẩn: \(document.priorityLabel)"
            if !document.secrecyLabel.isEmpty { text += ", độ mật: \(document.secrecyLabel)" }
            if document.immediate { text += " — BÁO CÁO NGAY người có thẩm quyền" }
            if let handover = entry.handover { text += " — đã giao bản giấy lúc \(when(handover.at))" }
            return text + " — mã gói tin \(document.packetId)"
        }

        var lines = ["THÔNG BÁO SỰ CỐ CHUYỂN VĂN BẢN ĐIỆN TỬ — LienThong", "\(name(code)) (\(code))", ""]
        let routes = Set(outgoing.map(\.document.recipient)).union(ownRouteDown ? [code] : []).sorted()
        let stillFailing = routes.contains { state.failing[$0] != nil }
        lines.append(
            stillFailing
                ? "Việc chuyển văn bản điện tử đang bị gián đoạn:"
                : "Việc chuyển văn bản điện tử đã bị gián đoạn và nay đã hoạt động trở lại:")
        for route in routes {
            let target = route == code ? "hộp thư đến của cơ quan này" : "\(name(route)) (\(route))"
            var text = "  - đến \(target)"
            if let failing = state.failing[route] { text += ": không chuyển được từ \(when(failing.since))" }
            if open?.routes.contains(route) == true {
                text +=
                    " — đã gián đoạn quá \(FallbackContext.duration(threshold.seconds)) làm việc liên tục:"
                    + " chuyển sang văn bản giấy (Quyết định 17/2019/QĐ-UBND, Điều 8)"
            } else if state.failing[route] != nil {
                text += " — hệ thống đang tự động gửi lại"
            } else {
                text += " — đã hoạt động trở lại, đang chuyển các văn bản còn lại"
            }
            lines.append(text)
        }
        if !outgoing.isEmpty {
            lines += ["", "Văn bản cơ quan gửi đi cần chuyển bằng bản giấy:"]
            lines += outgoing.map {
                line($0, other: "nơi nhận: \($0.document.recipientName) (\($0.document.recipient))")
            }
        }
        if !incoming.isEmpty {
            lines += ["", "Văn bản gửi đến cơ quan sẽ được chuyển bằng bản giấy:"]
            lines += incoming.map { line($0, other: "nơi gửi: \($0.document.senderName) (\($0.document.sender))") }
        }
        lines += [
            "",
            "Sau khi giao bản giấy, báo ngay cho người quản trị hệ thống (mã gói tin, cơ quan nhận, người nhận, giờ giao) để",
            "ghi nhận việc giao nhận: cơ quan nhận được cấp số đến ngay lúc đó; khi bản điện tử đến sau, văn bản không vào sổ lại.",
            "(Người quản trị: lienthong fallback handover <mã gói tin> --to <mã cơ quan nhận> --by \"<người nhận>\" --at <giờ giao>.)",
            "Sổ chuyển giao văn bản giấy và biên bản sự cố (in trên giấy A4) do người quản trị in từ thư mục: \(fallbackDirectory)",
            "Khi việc chuyển điện tử hoạt động trở lại, các văn bản trên được chuyển tự động và thông báo này tự mất.",
            "",
            "---",
            "OUTAGE NOTICE — electronic delivery is interrupted for the routes above. Carry the documents listed on paper;",
            "tell the admin of each hand-over, who records it with `lienthong fallback handover <packet-id> --to <recipient>",
            "--by <name> --at <time>`. Paper log and incident",
            "report: \(fallbackDirectory). This notice disappears once delivery works again and the backlog is delivered.",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
