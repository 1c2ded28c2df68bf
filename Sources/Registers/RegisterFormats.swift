import Foundation
import Mustache

/// How a register is written out.
public enum RegisterFormat: String, Sendable, CaseIterable {
    /// UTF-8 with a byte order mark and CRLF lines, so spreadsheets open it with Vietnamese intact.
    case csv
    /// A page rendered from `Templates/register-*.html.mustache`, printed on A4 landscape.
    case html
}

/// Writes registers as CSV (RFC 4180) or HTML (Mustache).
public enum RegisterWriter {
    /// CSV: BOM, a heading row, CRLF, every field quoted when it holds a comma, a quote or a line break.
    public static func csv(headings: [String], rows: [[String]]) -> [UInt8] {
        func field(_ value: String) -> String {
            let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        let text = ([headings] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.precomposedStringWithCanonicalMapping.utf8)
    }

    /// HTML from the Mustache template file at `path`.
    public static func html(template path: String, context: [String: Any]) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RegisterError.templateMissing(path)
        }
        let name = (path as NSString).lastPathComponent
        var library = MustacheLibrary()
        do {
            try library.register(text, named: name)
        } catch {
            throw RegisterError.templateInvalid(path, "\(error)")
        }
        guard let page = library.render(context, withTemplate: name) else { throw RegisterError.templateMissing(path) }
        return page
    }
}

/// Why a register cannot be made.
public enum RegisterError: Error, CustomStringConvertible {
    case templateMissing(String)
    case templateInvalid(String, String)

    public var description: String {
        switch self {
        case .templateMissing(let path): "template \(path) is missing or unreadable (set LIENTHONG_TEMPLATES to the Templates folder)"
        case let .templateInvalid(path, reason): "template \(path) is not valid Mustache: \(reason)"
        }
    }
}
