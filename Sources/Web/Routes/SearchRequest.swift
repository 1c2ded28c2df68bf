import Ledger
import Packets

/// The search form's fields, read from a query string, and the archive query they make.
struct SearchRequest {
    static let filterNames = ["q", "sender", "recipient", "type", "from", "to", "priority", "secrecy", "number"]

    let fields: FormFields
    let page: Int
    static let maximumPage = 100_000

    init(query: String?) {
        fields = FormFields(query ?? "")
        // Clamped: a huge page number must not overflow the offset.
        page = min(max(1, fields["page"].flatMap { Int($0) } ?? 1), Self.maximumPage)
    }

    /// A date as a Vietnamese page takes it: `dd/mm/yyyy` (or `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`), whatever the
    /// browser's locale; `yyyy-mm-dd` too, for links made before. Nil when it is no calendar date (31/02/2026).
    static func date(_ text: String) -> CalendarDate? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let iso = CalendarDate(iso: trimmed) { return iso }
        let parts = trimmed.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "-" || $0 == "." }
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// The date filters that could not be read, as messages for the page.
    var dateErrors: [String] {
        [("from", "Ban hành từ ngày"), ("to", "Đến ngày")].compactMap { name, label in
            guard let text = fields[name], !text.trimmingCharacters(in: .whitespaces).isEmpty,
                Self.date(text) == nil
            else { return nil }
            return "\(label): \"\(text)\" không phải ngày hợp lệ. Ghi ngày/tháng/năm, ví dụ 01/12/2026."
        }
    }

    /// The archive query for page `page`, `pageSize` results each; a date that cannot be read is left out of the
    /// query and said so on the page (`dateErrors`), a bad choice ignored (the form only offers valid ones).
    func query(pageSize: Int) -> ArchiveQuery {
        ArchiveQuery(
            text: fields["q"] ?? "", sender: fields["sender"], recipient: fields["recipient"], typeName: fields["type"],
            issuedFrom: fields["from"].flatMap(Self.date), issuedTo: fields["to"].flatMap(Self.date),
            priority: fields["priority"].flatMap { Priority(rawValue: $0)?.rawValue },
            secrecy: fields["secrecy"].flatMap { $0 == "none" ? $0 : Secrecy(rawValue: $0)?.rawValue },
            number: fields["number"], limit: pageSize, offset: (page - 1) * pageSize)
    }

    /// The query string of the same search at page `page`.
    func link(page: Int) -> String {
        let parts =
            Self.filterNames.compactMap { name in fields[name].map { "\(name)=\($0.urlEncoded)" } } + ["page=\(page)"]
        return WebPaths.search + "?" + parts.joined(separator: "&")
    }

    /// The form's current values, for the template.
    var values: [String: Any] {
        var values: [String: Any] = [:]
        for name in Self.filterNames { values[name] = fields[name] ?? "" }
        // Dates shown back as dd/mm/yyyy, however they were written.
        for name in ["from", "to"] {
            if let date = fields[name].flatMap(Self.date) { values[name] = date.vietnamese }
        }
        values["dateErrors"] = dateErrors
        values["priorities"] = Priority.allCases.map {
            ["value": $0.rawValue, "label": $0.label, "selected": fields["priority"] == $0.rawValue]
        }
        values["secrecies"] =
            [["value": "none", "label": "Không mật", "selected": fields["secrecy"] == "none"]]
            + Secrecy.allCases.map {
                ["value": $0.rawValue, "label": $0.label, "selected": fields["secrecy"] == $0.rawValue]
            }
        return values
    }
}
