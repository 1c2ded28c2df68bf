import Foundation

/// How a register is written out.
public enum RegisterFormat: String, Sendable, CaseIterable {
    /// UTF-8 with a byte order mark and CRLF lines, so spreadsheets open it with Vietnamese intact.
    case csv
    /// A page rendered from `Templates/register-*.html.mustache`, printed on A4 landscape.
    case html
}

/// Writes registers as CSV (RFC 4180) or HTML (Mustache).
///
/// The CSV writer is our own, not a library's: the registers are opened in spreadsheets by clerks, and a field a
/// spreadsheet would run as a formula (CSV injection: `=HYPERLINK(…)`, `+84…`, `@…`) must be defused, which no CSV
/// package in reach does; what is left of RFC 4180 (quote, double the quote, CRLF) is a dozen lines.
public enum RegisterWriter {
    /// CSV: BOM, a heading row, CRLF, every field quoted when it holds a comma, a quote or a line break.
    public static func csv(headings: [String], rows: [[String]]) -> [UInt8] {
        func field(_ raw: String) -> String {
            // A cell a spreadsheet would take for a formula (`=…`, `+84…`, `@…`) starts with an apostrophe instead.
            let value = raw.first.map { "=+-@\t\r".contains($0) } == true ? "'" + raw : raw
            let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        let text = ([headings] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.precomposedStringWithCanonicalMapping.utf8)
    }
}
