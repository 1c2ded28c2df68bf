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

    /// The archive query for page `page`, `pageSize` results each; bad dates or choices are ignored (the form only
    /// offers valid ones).
    func query(pageSize: Int) -> ArchiveQuery {
        ArchiveQuery(
            text: fields["q"] ?? "", sender: fields["sender"], recipient: fields["recipient"], typeName: fields["type"],
            issuedFrom: fields["from"].flatMap { CalendarDate(iso: $0) },
            issuedTo: fields["to"].flatMap { CalendarDate(iso: $0) },
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
