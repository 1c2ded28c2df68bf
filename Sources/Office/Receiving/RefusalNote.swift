import Foundation
import Packets

/// The reason file beside a packet the receiving check refused: Vietnamese, then English, then what to do.
enum RefusalNote {
    static func text(_ report: VerificationReport, packet: String, sender: AgencyCode?, at date: Date, timeZone: TimeZone) -> String {
        var lines = ["KHÔNG TIẾP NHẬN GÓI TIN — LienThong", "Gói tin: \(packet)"]
        if let sender { lines.append("Cơ quan gửi: \(sender)") }
        lines += ["Thời điểm: \(Timestamp.vietnamese(date, in: timeZone))", "", "Lý do:"]
        for problem in report.problems.prefix(10) { lines.append("  - " + problem.message.vi) }
        lines += ["", "Gói tin không được mở ra hộp thư đến. Cơ quan gửi đã được báo (mã trạng thái 02) nếu biết được cơ quan gửi.",
                  "Cách xử lý: đề nghị cơ quan gửi gửi lại; nếu lỗi do chứng thư số, báo quản trị viên.",
                  "", "---", "PACKET REFUSED — LienThong", "Packet: \(packet)", "Time: \(Timestamp.string(date, in: timeZone))", "", "Reason:"]
        for problem in report.problems.prefix(10) { lines.append("  - [\(problem.code)] " + problem.message.en) }
        lines += ["", "Nothing of the packet was extracted into the inbox. The sender was told (status 02) where it is known.",
                  "What to do: ask the sender to send it again; if a certificate is at fault, tell the administrator.", "",
                  "Mã lỗi / code: \(report.reason?.code ?? "invalid")", ""]
        return lines.joined(separator: "\n").precomposedNFC
    }
}
