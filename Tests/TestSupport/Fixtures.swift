import Foundation

/// Sample clerk input.
public enum Fixtures {
    /// A valid sidecar, as in DESIGN.md, sent to `to`.
    public static func sidecar(to: [String] = ["000.00.01.H53", "000.00.02.H53"], number: String = "125",
                               subject: String = "Về việc ban hành quy chế quản lý văn bản điện tử",
                               priority: String = "khan", issued: String = Fixtures.localDate(0)) -> String {
        """
        {
          "codeNumber": "\(number)",
          "codeNotation": "QĐ-UBND",
          "issuedDate": "\(issued)",
          "typeName": "Quyết định",
          "subject": "\(subject)",
          "signerInfo": { "competence": "TM.", "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
          "to": [\(to.map { "\"\($0)\"" }.joined(separator: ", "))],
          "priority": "\(priority)",
          "dueDate": "2026-12-01"
        }
        """
    }

    /// The date `days` from today in Vietnam (the office's zone), as `YYYY-MM-DD`.
    public static func localDate(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }
}
