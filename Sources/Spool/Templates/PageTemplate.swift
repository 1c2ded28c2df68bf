import Foundation
import Mustache

/// A Mustache template (an office's own file or the built-in default), read and checked once, rendered many times.
/// Rendering needs nothing but memory: the daemon loads its templates at start, so a page can still be written when
/// every other disk is failing.
public struct PageTemplate: Sendable {
    /// Where the template was read from.
    public let source: TemplateSource
    private let template: MustacheTemplate

    /// Reads and compiles the template at `path`.
    public init(path: String) throws(TemplateError) {
        try self.init(source: .file(path))
    }

    /// Reads and compiles the template from `source`; a syntax error names the file, line and column.
    public init(source: TemplateSource) throws(TemplateError) {
        let text = try source.text()
        do {
            template = try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            throw .invalid(
                source.description, line: error.context.lineNumber, column: error.context.columnNumber,
                Self.explain(error.error))
        } catch {
            throw .invalid(source.description, line: nil, column: nil, "\(error)")
        }
        self.source = source
    }

    /// Where the template was read from, as a path or `built-in:NAME`.
    public var path: String { source.description }

    /// The template file `name` (e.g. `register-outgoing.html.mustache`): the office's own copy if it has one, else
    /// the default built into the program.
    public static func load(_ name: String, spool: SpoolLayout?) throws(TemplateError) -> PageTemplate {
        guard let source = TemplateSource.locate(name, spool: spool) else { throw .notFound(name) }
        return try PageTemplate(source: source)
    }

    /// The page for `context` (dictionaries, arrays, strings, numbers and booleans), NFC. `{{…}}` escapes HTML.
    public func render(_ context: [String: Any]) -> String {
        template.render(context).precomposedStringWithCanonicalMapping
    }

    /// swift-mustache's reasons, said for the person who edited the file.
    private static func explain(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed ({{/…}}) with another name than it was opened with"
        case .unfinishedName?: "a tag is not closed with }}"
        case .expectedSectionEnd?: "a section ({{#…}} or {{^…}}) is never closed with {{/…}}"
        case .invalidSetDelimiter?: "a set-delimiter tag ({{=…=}}) is malformed"
        default: "\(error)"
        }
    }
}

/// Why a template cannot be used.
public enum TemplateError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case missing(String)
    case invalid(String, line: Int?, column: Int?, String)

    public var description: String {
        switch self {
        case .notFound(let name): "no template \(name) (neither an office's own copy nor a built-in default)"
        case .missing(let path): "template \(path) is missing or unreadable"
        case .invalid(let path, let line?, let column?, let reason):
            "\(path):\(line):\(column): not a valid template: \(reason)"
        case .invalid(let path, _, _, let reason): "\(path): not a valid template: \(reason)"
        }
    }
}
