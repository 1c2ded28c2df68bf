import DurableIO
import Foundation
import Intake
import Packets

/// The status file a clerk finds beside what they sent, in `agencies/<code>/sent/<packet-id> …/`.
enum SentStatus {
    static let fileName = "Tình trạng gửi.txt".precomposedNFC

    /// The sent folder's name: the packet id, then the document's number and notation (`125-QĐ-UBND`).
    static func folderName(_ id: PacketID, document: ClerkSidecar) -> String {
        let label = document.numberAndNotation.replacingOccurrences(of: "/", with: "-")
        return ReasonFile.name(for: "\(id.rawValue) \(label)").replacingOccurrences(of: ".reason.txt", with: "")
    }

    /// A sidecar and documents whose names differ only by accents, case or spaces (`Cong van 207.json` with
    /// `Công văn 207.pdf`), as the claim holds them: (sidecar, documents), or nil when the names match exactly or the
    /// drop was a folder.
    static func nearPairing(_ names: [RawName]) -> (sidecar: String, documents: [String])? {
        guard let sidecar = names.first(where: Drop.isSidecarName), let sidecarText = sidecar.string else { return nil }
        let stem = Array(sidecar.bytes.dropLast(5))
        let documents = names.filter { $0 != sidecar && $0 != RawName(SentStatus.fileName) }
        guard !documents.isEmpty,
            !documents.contains(where: { $0.bytes == stem || OutboxScanner.stem(of: $0.bytes) == stem })
        else { return nil }
        return (sidecarText, documents.map { $0.string ?? $0.description })
    }

    /// The status file of a shipment every recipient has (or refused).
    static func text(
        _ shipment: Shipment, names: [AgencyCode: String], timeZone: TimeZone,
        nearPairing: (sidecar: String, documents: [String])? = nil
    ) -> String {
        func when(_ date: Date) -> String { Timestamp.vietnamese(date, in: timeZone) }
        let document = shipment.packet.document
        var lines = ["ĐÃ GỬI — LienThong"]
        lines.append("Văn bản: \(document.numberAndNotation) — \(document.typeName) — \(document.subject)")
        lines.append("Độ khẩn: \(document.priority.label)" + (document.secrecy.map { "; độ mật: \($0.label)" } ?? ""))
        lines.append("Mã gói tin: \(shipment.id)")
        if let packedAt = shipment.packet.metadata.packedAtDate {
            lines.append("Đóng gói và ký số lúc: \(when(packedAt))")
        }
        lines.append("Nơi nhận:")
        for (recipient, date) in shipment.delivered {
            var line = "  - \(recipient) \(names[recipient] ?? ""): đã chuyển đến hộp thư đến lúc \(when(date))"
            if let receipt = shipment.receipts[recipient] {
                let series = document.secrecy == nil ? "" : " (sổ văn bản mật đến)"
                line +=
                    "; đã tiếp nhận, số đến \(receipt.number)\(series), lúc \(when(receipt.at))"
                    + (receipt.late ? " (sau giờ làm việc của ngày nhận)" : "")
            }
            lines.append(line)
        }
        for (recipient, reason) in shipment.refusals.sorted(by: { $0.key < $1.key }) {
            lines.append("  - \(recipient) \(names[recipient] ?? ""): TỪ CHỐI TIẾP NHẬN — \(reason.vi)")
        }
        for (from, to) in shipment.redirects.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  - \(from) \(names[from] ?? ""): ĐÃ NGỪNG HOẠT ĐỘNG (sáp nhập, giải thể) — văn bản đã được chuyển cho "
                    + "cơ quan kế thừa \(to) \(names[to] ?? "")")
        }
        for (recipient, reason) in shipment.undelivered.sorted(by: { $0.key < $1.key }) {
            lines.append("  - \(recipient) \(names[recipient] ?? ""): KHÔNG CHUYỂN — \(reason)")
        }
        let paired = nearPairing.map { pairing in
            (pairing.sidecar, pairing.documents.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if let (sidecar, documents) = paired {
            lines.append(
                "Ghi chú: tệp mô tả \"\(sidecar)\" đã được ghép với \(documents) vì tên chỉ khác nhau ở dấu, chữ hoa hoặc "
                    + "khoảng trắng. Lần sau, đặt tên hai tệp giống hệt nhau.")
        }
        lines += ["", "---", "SENT — LienThong"]
        lines.append("Document: \(document.numberAndNotation) — \(document.typeName) — \(document.subject)")
        lines.append(
            "Urgency: \(document.priority.rawValue)" + (document.secrecy.map { "; secrecy: \($0.rawValue)" } ?? ""))
        lines.append("Packet: \(shipment.id)")
        if let packedAt = shipment.packet.metadata.packedAtDate {
            lines.append("Packed and signed at: \(Timestamp.string(packedAt, in: timeZone))")
        }
        lines.append("Recipients:")
        for (recipient, date) in shipment.delivered {
            var line =
                "  - \(recipient) \(names[recipient] ?? ""): delivered to the inbox at \(Timestamp.string(date, in: timeZone))"
            if let receipt = shipment.receipts[recipient] {
                let series = document.secrecy == nil ? "" : " (secret series)"
                line +=
                    "; registered as arrival number \(receipt.number)\(series) at \(Timestamp.string(receipt.at, in: timeZone))"
                    + (receipt.late ? " (after the end of that working day)" : "")
            }
            lines.append(line)
        }
        for (recipient, reason) in shipment.refusals.sorted(by: { $0.key < $1.key }) {
            lines.append("  - \(recipient) \(names[recipient] ?? ""): REFUSED — \(reason.en)")
        }
        for (from, to) in shipment.redirects.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  - \(from) \(names[from] ?? ""): RETIRED (merged or dissolved) — delivered to its successor \(to) "
                    + "\(names[to] ?? "") instead")
        }
        for (recipient, reason) in shipment.undelivered.sorted(by: { $0.key < $1.key }) {
            lines.append("  - \(recipient) \(names[recipient] ?? ""): NOT DELIVERED — \(reason)")
        }
        if let (sidecar, documents) = paired {
            lines.append(
                "Note: the sidecar \"\(sidecar)\" was paired with \(documents) because their names differ only in accents, "
                    + "case or spaces. Next time, give both files exactly the same name.")
        }
        return (lines + [""]).joined(separator: "\n").precomposedNFC
    }
}
