import Documents
import Foundation
import Packets

/// The file beside a delivered packet's documents that tells the clerk which have legal value
/// (Decision 17/2019 Art 4.1): "CÓ GIÁ TRỊ PHÁP LÝ" or "CHỈ CÓ GIÁ TRỊ THAM KHẢO", with the signer or the reason.
enum LegalNotice {
    static let fileName = "GIÁ TRỊ PHÁP LÝ.txt".precomposedNFC

    static func text(_ documents: [DocumentLegality], timeZone: TimeZone) -> String {
        func when(_ iso: String?) -> String {
            guard let iso, let date = Timestamp.parse(iso) else { return "" }
            return " lúc " + Timestamp.vietnamese(date, in: timeZone)
        }
        var lines = ["GIÁ TRỊ PHÁP LÝ CỦA VĂN BẢN — LienThong", ""]
        for document in documents {
            var line = "\(document.name): \(document.mark)"
            if document.status == .signed, let signer = document.signer {
                line += " — ký số bởi \(signer)\(when(document.signatures.last(where: \.valid)?.signedAt))"
            } else if let reason = document.reason {
                line += " — \(reason.vi)"
            }
            lines.append(line)
        }
        lines += [
            "",
            "Văn bản điện tử được ký số có giá trị pháp lý; văn bản không ký số chỉ có giá trị tham khảo "
                + "(Quyết định 17/2019/QĐ-UBND, Điều 4 khoản 1).", "", "---", "Legal value of the documents", "",
        ]
        for document in documents {
            var line = "\(document.name): \(document.status == .signed ? "signed (legal value)" : "for reference only")"
            if document.status == .signed, let signer = document.signer {
                line += " — signed by \(signer) at \(document.signatures.last(where: \.valid)?.signedAt ?? "")"
            } else if let reason = document.reason {
                line += " — \(reason.en)"
            }
            lines.append(line)
        }
        return (lines + [""]).joined(separator: "\n").precomposedNFC
    }
}
