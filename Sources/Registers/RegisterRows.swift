/// One line of the outgoing register (Sổ đăng ký văn bản đi, Decree 30/2020 App. IV).
public struct OutgoingRow: Sendable, Equatable {
    public var numberAndNotation: String
    public var issued: String
    public var typeAndSubject: String
    public var signer: String
    public var recipients: String
    public var archiveCopy: String
    public var copies: String
    public var sent: String
    public var receipts: String
    public var notes: String
    /// Sent later than the next working morning after its date (Decision 17/2019 Art 4.2).
    public var late: Bool
    /// The packet that carried it (named in the notes, so the archive copy can be found).
    public var packetId: String

    /// The columns, in the order of the register.
    public var columns: [String] {
        [
            numberAndNotation, issued, typeAndSubject, signer, recipients, archiveCopy, copies, sent, receipts,
            RegisterNotes.withPacket(
                (late ? [Self.lateMark, notes] : [notes]).filter { !$0.isEmpty }.joined(separator: ". "), packetId),
        ]
    }

    /// What the notes say of a document sent late.
    public static let lateMark = "Gửi muộn (sau buổi sáng ngày làm việc kế tiếp ngày ban hành)"

    public static let headings = [
        "Số, ký hiệu", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký", "Nơi nhận",
        "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]
}

/// One line of the incoming register (Sổ đăng ký văn bản đến, Decree 30/2020 App. IV).
public struct IncomingRow: Sendable, Equatable {
    public var arrived: String
    public var arrivalNumber: String
    public var author: String
    public var numberAndNotation: String
    public var issued: String
    public var typeAndSubject: String
    public var recipient: String
    public var forwarded: String
    public var receipt: String
    public var notes: String
    /// A document without legal value (Decision 17/2019 Art 4.1).
    public var referenceOnly: Bool
    /// The packet that carried it: the clerk finds it as `inbox/<packetId>/`.
    public var packetId: String

    /// The columns, in the order of the register.
    public var columns: [String] {
        [
            arrived, arrivalNumber, author, numberAndNotation, issued, typeAndSubject, recipient, forwarded, receipt,
            RegisterNotes.withPacket(notes, packetId),
        ]
    }

    public static let headings = [
        "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]
}

extension OutgoingRow {
    /// The row as a Mustache context (the names used by `Templates/register-outgoing.html.mustache`).
    public var context: [String: Any] {
        [
            "numberAndNotation": numberAndNotation, "issued": issued, "typeAndSubject": typeAndSubject,
            "signer": signer,
            "recipients": recipients, "archiveCopy": archiveCopy, "copies": copies, "sent": sent, "receipts": receipts,
            "notes": notes, "late": late, "packetId": packetId,
        ]
    }
}

extension IncomingRow {
    /// The row as a Mustache context (the names used by `Templates/register-incoming.html.mustache`).
    public var context: [String: Any] {
        [
            "arrived": arrived, "arrivalNumber": arrivalNumber, "author": author,
            "numberAndNotation": numberAndNotation,
            "issued": issued, "typeAndSubject": typeAndSubject, "recipient": recipient, "forwarded": forwarded,
            "receipt": receipt, "notes": notes, "referenceOnly": referenceOnly, "packetId": packetId,
        ]
    }
}

/// The notes column of a register in a flat format (CSV), where the packet id has no column of its own.
enum RegisterNotes {
    static func withPacket(_ notes: String, _ packetId: String) -> String {
        (notes.isEmpty ? "" : notes + ". ") + "Mã gói tin \(packetId)"
    }
}
