/// Sample clerk input.
public enum Fixtures {
    /// A valid sidecar, as in DESIGN.md, sent to `to`.
    public static func sidecar(to: [String] = ["000.00.01.H53", "000.00.02.H53"], number: String = "125",
                               subject: String = "Về việc ban hành quy chế quản lý văn bản điện tử",
                               priority: String = "khan") -> String {
        """
        {
          "codeNumber": "\(number)",
          "codeNotation": "QĐ-UBND",
          "issuedDate": "2026-11-24",
          "typeName": "Quyết định",
          "subject": "\(subject)",
          "signerInfo": { "competence": "TM.", "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
          "to": [\(to.map { "\"\($0)\"" }.joined(separator: ", "))],
          "priority": "\(priority)",
          "dueDate": "2026-12-01"
        }
        """
    }
}
