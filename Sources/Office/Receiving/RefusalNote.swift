import Foundation
import Packets

/// The reason file beside a packet the receiving check refused or set aside: Vietnamese, then English, then what
/// to do — which depends on the reason.
enum RefusalNote {
    /// Problems that are not the sender's fault: the packet is set aside without a refusal (02) to the sender.
    static let setAsideCodes: Set<String> = ["already-received", "not-addressed-here"]

    /// - Parameter notified: whether a 02 status went to the sender.
    static func text(
        _ report: VerificationReport, packet: String, sender: AgencyCode?, notified: Bool, at date: Date,
        timeZone: TimeZone
    ) -> String {
        let code = report.reason?.code ?? "invalid"
        let setAside = setAsideCodes.contains(code)
        var lines = [
            setAside ? "GÓI TIN ĐỂ RIÊNG, KHÔNG VÀO SỔ — LienThong" : "KHÔNG TIẾP NHẬN GÓI TIN — LienThong",
            "Gói tin: \(packet)",
        ]
        if let sender { lines.append("Cơ quan gửi: \(sender)") }
        lines += ["Thời điểm: \(Timestamp.vietnamese(date, in: timeZone))", "", "Lý do:"]
        for problem in report.problems.prefix(10) { lines.append("  - " + problem.message.vi) }
        lines += [
            "", "Gói tin không được mở ra hộp thư đến và không vào sổ văn bản đến.",
            notified
                ? "Cơ quan gửi đã được báo từ chối tiếp nhận (mã trạng thái 02)."
                : setAside
                    ? "Không gửi thông báo từ chối cho cơ quan gửi."
                    : "Không xác định được cơ quan gửi nên chưa báo được.",
            "Cách xử lý: " + action(code).vi,
            "", "---", setAside ? "PACKET SET ASIDE, NOT REGISTERED — LienThong" : "PACKET REFUSED — LienThong",
            "Packet: \(packet)",
        ]
        if let sender { lines.append("Sending agency: \(sender)") }
        lines += ["Time: \(Timestamp.string(date, in: timeZone))", "", "Reason:"]
        for problem in report.problems.prefix(10) { lines.append("  - [\(problem.code)] " + problem.message.en) }
        lines += [
            "", "Nothing of the packet was extracted into the inbox, and it was not registered.",
            notified
                ? "The sender was told (status 02)."
                : setAside
                    ? "No refusal was sent to the sender." : "The sender could not be identified, so it was not told.",
            "What to do: " + action(code).en, "",
            "Mã lỗi / code: \(code)", "",
        ]
        return lines.joined(separator: "\n").precomposedNFC
    }

    /// What the clerk should do about a packet refused for `code`.
    static func action(_ code: String) -> Bilingual {
        switch code {
        case "already-received":
            Bilingual(
                vi: "Đây là bản trùng của văn bản đã nhận (xem thư mục inbox); không cần xử lý, có thể xóa.",
                en: "This is a copy of a document already received (see inbox/); nothing to do, it may be deleted.")
        case "not-addressed-here":
            Bilingual(
                vi:
                    "Văn bản không gửi cho cơ quan này: không mở, không vào sổ; báo cơ quan gửi nếu cần và chuyển đúng nơi nhận.",
                en:
                    "The document is not addressed to this agency: do not open or register it; tell the sender if needed."
            )
        case "untrusted-signer", "certificate-expired", "certificate-not-yet-valid", "certificate-revoked",
            "revocation-unknown",
            "wrong-key-usage", "certificate-invalid", "signer-not-sender", "sender-not-registered",
            "signer-record-mismatch":
            Bilingual(
                vi:
                    "Chữ ký số không hợp lệ hoặc không phải của cơ quan gửi: báo quản trị viên và liên hệ cơ quan gửi để xác minh.",
                en:
                    "The digital signature is invalid or not the sender's: tell the administrator and check with the sender."
            )
        default:
            Bilingual(
                vi: "Gói tin bị hỏng hoặc bị sửa đổi: đề nghị cơ quan gửi gửi lại.",
                en: "The packet is damaged or was altered: ask the sender to send it again.")
        }
    }
}
