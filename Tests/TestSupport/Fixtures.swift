import Foundation

/// Sample clerk input.
public enum Fixtures {
    /// A valid sidecar, as in DESIGN.md, sent to `to`, issued on `issued` (today in Vietnam by default) and due
    /// `dueInDays` after it (a due date is never before the issue date, whatever today is).
    public static func sidecar(
        to: [String] = ["000.00.01.H53", "000.00.02.H53"], number: String = "125",
        subject: String = "Về việc ban hành quy chế quản lý văn bản điện tử",
        priority: String = "khan", issued: String = Fixtures.localDate(0),
        dueInDays: Int = 7
    ) -> String {
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
          "dueDate": "\(date(issued, plusDays: dueInDays))"
        }
        """
    }

    /// The calendar date `days` after `date` (`YYYY-MM-DD`), in the proleptic Gregorian calendar.
    public static func date(_ date: String, plusDays days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let start = formatter.date(from: date) else { preconditionFailure("not a date: \(date)") }
        return formatter.string(from: start.addingTimeInterval(Double(days) * 86_400))
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
