import Accounts
import Foundation
import Hummingbird
import Spool

/// The web UI's Mustache templates (`Templates/web/*.html.mustache`), loaded once at start; every page is its own
/// template rendered inside the shared layout.
struct Pages: Sendable {
    enum Name: String, CaseIterable {
        case login, search, packet, admin, records, record
    }

    private let layout: PageTemplate
    private let pages: [String: PageTemplate]
    /// The stylesheet (a file, since the Content-Security-Policy allows no inline style).
    let stylesheet: String

    init(spool: SpoolLayout) throws {
        try TemplateChecker.requireUsableOverrides(spool: spool)
        layout = try PageTemplate.load("web/layout.html.mustache", spool: spool)
        var pages: [String: PageTemplate] = [:]
        for name in Name.allCases {
            pages[name.rawValue] = try PageTemplate.load("web/\(name.rawValue).html.mustache", spool: spool)
        }
        self.pages = pages
        guard let css = TemplateSource.locate("web/style.css", spool: spool) else {
            throw TemplateError.notFound("web/style.css")
        }
        stylesheet = try css.text()
    }

    /// The page `name` for `values`, in the layout, as an HTML answer.
    func render(
        _ name: Name, title: String, _ values: [String: Any], context: WebContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var layoutValues: [String: Any] = [
            "title": title,
            "body": pages[name.rawValue]?.render(
                Self.withoutEmptyStrings(values.merging(common(context)) { a, _ in a })) ?? "",
        ]
        layoutValues.merge(common(context)) { a, _ in a }
        let html = layout.render(Self.withoutEmptyStrings(layoutValues))
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `values` without empty strings and absent optionals, recursively: Mustache treats "" as true in
    /// `{{#section}}`, and a missing value renders as nothing anyway.
    static func withoutEmptyStrings(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues(clean)
    }

    private static func clean(_ value: Any) -> Any? {
        // An absent optional (`nil as Any`) is no value at all: Mustache would show its section otherwise.
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return clean(wrapped)
        }
        return switch value {
        case let text as String: text.isEmpty ? nil : text
        case let dictionary as [String: Any]: withoutEmptyStrings(dictionary)
        case let array as [Any]: array.compactMap(clean)
        default: value
        }
    }

    /// What every page may show: the signed-in person and the session's CSRF token for forms.
    private func common(_ context: WebContext) -> [String: Any] {
        var values: [String: Any] = ["csrf": context.session?.csrfToken ?? ""]
        if let account = context.account {
            values["user"] = ["name": account.name, "role": account.role.label, "agency": account.agency ?? ""]
            values["isAdmin"] = account.role == .admin
        }
        return values
    }
}
