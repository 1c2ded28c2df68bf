import DurableIO
import Foundation
import Intake
import Packets

/// The `<name>.reason.txt` a clerk finds beside what came back: Vietnamese, then English, then what to do.
enum ReasonFile {
    /// The reason file's name for a rejected drop known as `name`: control characters and bytes that are not UTF-8
    /// replaced, shortened (before a trailing ` (n)`) so the whole name fits in 255 bytes.
    static func name(for name: String) -> String {
        var safe = ""
        for scalar in name.unicodeScalars {
            safe.unicodeScalars.append(PortableNameScalars.isUnsafe(scalar) ? "_" : scalar)
        }
        let suffix = ".reason.txt"
        // Shortened before a trailing " (2)": that is what keeps two returns of one long name apart.
        var copy = ""
        if let range = safe.range(of: #" \([0-9]+\)$"#, options: .regularExpression) {
            copy = String(safe[range])
            safe.removeSubrange(range)
        }
        while !safe.isEmpty, safe.utf8.count + copy.utf8.count + suffix.utf8.count > RejectedName.limit {
            safe.removeLast()
        }
        return safe + copy + suffix
    }

    /// The text of the reason file.
    static func text(_ rejection: Rejection, names: [String], agency: AgencyCode, at date: Date, timeZone: TimeZone)
        -> String
    {
        let files = names.joined(separator: ", ")
        var lines = [
            "KHÔNG GỬI ĐƯỢC — LienThong", "Tệp: \(files)", "Cơ quan gửi: \(agency)",
            "Thời điểm: \(Timestamp.vietnamese(date, in: timeZone))", "", "Lý do:",
        ]
        for issue in rejection.issues {
            lines.append("  - " + (issue.field.map { "[\($0)] " } ?? "") + issue.problem.vi)
            lines.append("    Cách xử lý: " + issue.action.vi)
        }
        lines += [
            "",
            "Các tệp được giữ nguyên trong thư mục rejected/. Sau khi sửa, đặt lại tất cả các tệp vào thư mục outbox.",
            "", "---", "COULD NOT BE SENT — LienThong", "Files: \(files)", "Sending agency: \(agency)",
            "Time: \(Timestamp.string(date, in: timeZone))", "",
            "Reason:",
        ]
        for issue in rejection.issues {
            lines.append("  - " + (issue.field.map { "[\($0)] " } ?? "") + issue.problem.en)
            lines.append("    What to do: " + issue.action.en)
        }
        lines += [
            "", "The files are kept unchanged in rejected/. After fixing them, put all of them back into outbox.", "",
            "Mã lỗi / code: \(rejection.codes.joined(separator: ", "))", "",
        ]
        return lines.joined(separator: "\n").precomposedNFC
    }
}
