import Foundation
import Packets

/// The file put beside a delivered document whose paper copy was handed over, and registered, during an outage:
/// the recipient's clerk must not register it a second time (Decision 17/2019 Art 8.1).
public enum PaperCopyNote {
    public static let fileName = "ĐÃ NHẬN BẢN GIẤY.txt".precomposedNFC

    /// The note's text, Vietnamese first.
    public static func text(number: Int64, receivedAt: Date?, receivedBy: String?, timeZone: TimeZone) -> String {
        let when = receivedAt.map { " lúc " + Timestamp.vietnamese($0, in: timeZone) } ?? ""
        let by = receivedBy.map { " (người nhận: \($0))" } ?? ""
        let whenEnglish = receivedAt.map { " at " + Timestamp.string($0, in: timeZone) } ?? ""
        return """
            ĐÃ NHẬN BẢN GIẤY — LienThong

            Bản giấy của văn bản này đã được giao trong thời gian sự cố\(when)\(by) và đã vào sổ văn bản đến với số đến \(number).
            Bản điện tử này đến sau khi hệ thống hoạt động trở lại: KHÔNG vào sổ lại.

            ---
            Paper copy already received

            The paper copy of this document was handed over during the outage\(whenEnglish) and registered as arrival number \(number).
            This electronic copy came after the system recovered: do not register it again.

            """.precomposedNFC
    }
}
