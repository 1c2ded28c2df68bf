import Foundation
import Mustache

/// A Mustache template from `Templates/` (or an office's own copy), read and checked once, rendered many times.
/// Rendering needs nothing but memory: the daemon loads its templates at start, so a page can still be written when
/// every other disk is failing.
public struct PageTemplate: Sendable {
    /// Where the template was read from.
    public let path: String
    private let template: MustacheTemplate

    /// Reads and compiles the template at `path`.
    public init(path: String) throws(TemplateError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .missing(path)
        }
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw .invalid(path, "\(error)")
        }
        self.path = path
    }

    /// The template file `name` (e.g. `register-outgoing.html.mustache`), found as `TemplateDirectory` says.
    public static func load(_ name: String, spool: SpoolLayout?) throws(TemplateError) -> PageTemplate {
        guard let path = TemplateDirectory.locate(name, spool: spool) else { throw .notFound(name) }
        return try PageTemplate(path: path)
    }

    /// The page for `context` (dictionaries, arrays, strings, numbers and booleans), NFC. `{{…}}` escapes HTML.
    public func render(_ context: [String: Any]) -> String {
        template.render(context).precomposedStringWithCanonicalMapping
    }
}

/// Why a template cannot be used.
public enum TemplateError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case missing(String)
    case invalid(String, String)

    public var description: String {
        switch self {
        case .notFound(let name): "no template \(name) found (set LIENTHONG_TEMPLATES to the folder holding it)"
        case .missing(let path): "template \(path) is missing or unreadable"
        case let .invalid(path, reason): "template \(path) is not valid Mustache: \(reason)"
        }
    }
}
