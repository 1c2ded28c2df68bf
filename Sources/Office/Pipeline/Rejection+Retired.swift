import Foundation
import Packets
import Spool

extension Rejection {
    /// A drop in the outbox of an agency that retired: its outbox is closed; its successor sends from its own.
    static func senderRetired(_ code: AgencyCode, _ directory: AgencyDirectory, at: Date, timeZone: TimeZone)
        -> Rejection
    {
        let when = Timestamp.vietnamese(at, in: timeZone)
        guard let successor = directory.addressee(code, at: at.addingTimeInterval(1)) else {
            return Rejection(
                "sender-retired",
                vi: "Cơ quan \(code) đã ngừng hoạt động từ \(when); hộp thư đi này đã đóng.",
                en: "The agency \(code) retired at \(Timestamp.string(at, in: timeZone)); this outbox is closed.",
                doVi: "Không gửi văn bản từ thư mục này nữa. Hỏi quản trị hệ thống nếu cần gửi thay.",
                doEn: "Do not send from this folder any more. Ask the office's admin if a document must still go.")
        }
        let name = directory.agencies[successor]?.name ?? successor.rawValue
        return Rejection(
            "sender-retired",
            vi:
                "Cơ quan \(code) đã ngừng hoạt động từ \(when) (kế thừa: \(name), mã \(successor)); hộp thư đi này đã đóng.",
            en:
                "The agency \(code) retired at \(Timestamp.string(at, in: timeZone)) (successor: \(name), \(successor)); this outbox is closed.",
            doVi: "Gửi văn bản từ hộp thư đi của \(name): agencies/\(successor)/outbox.",
            doEn: "Send the document from the outbox of \(name): agencies/\(successor)/outbox.")
    }

    /// Recipients that retired with no successor: nobody receives what is addressed to them.
    static func recipientsRetired(_ codes: [AgencyCode], _ directory: AgencyDirectory) -> Rejection {
        let list = codes.map { "\($0) (\(directory.agencies[$0]?.name ?? ""))" }.joined(separator: ", ")
        return Rejection(
            "recipient-retired",
            vi: "Nơi nhận \(list) đã ngừng hoạt động và không có cơ quan kế thừa.",
            en: "The recipient \(list) retired and has no successor.",
            doVi: "Bỏ mã này khỏi trường `to` (xem DANH SÁCH CƠ QUAN.txt), rồi đặt lại vào thư mục outbox.",
            doEn: "Remove this code from `to` (see DANH SÁCH CƠ QUAN.txt) and put the files back into the outbox.")
    }

    /// A recipient whose successor is the sending agency itself (the sender took over its records).
    static func recipientSucceededBySender(_ code: AgencyCode, sender: AgencyCode) -> Rejection {
        Rejection(
            "recipient-is-sender",
            vi: "Nơi nhận \(code) đã sáp nhập vào chính cơ quan gửi (\(sender)).",
            en: "The recipient \(code) was merged into the sending agency itself (\(sender)).",
            doVi: "Bỏ mã \(code) khỏi trường `to`; văn bản của cơ quan cũ nay do cơ quan mình quản lý.",
            doEn: "Remove \(code) from `to`: your agency now holds the former agency's records.")
    }
}
