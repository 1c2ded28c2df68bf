import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or a query string, decoded and NFC.
///
/// Not Hummingbird's `URLEncodedFormDecoder`, on purpose (issue 12 weighed it): that decoder throws on a repeated
/// key, and the accounts page sends its secrecy grants as repeated checkboxes (`grant=mat&grant=toi-mat`), as do
/// offices' own copies of that template (`templates export`); it throws on a bad `%` escape, where a form is better
/// answered with what it did say; and it reads `[`/`]` in a name as structure. Moving to `grant[]` would break
/// every office's override of the page. What this type does is small: split, percent-decode, `+` → space, NFC.
public struct FormFields: Sendable {
    private let pairs: [(String, String)]

    /// Parses `text` (`a=1&b=x+y`); malformed pieces are skipped.
    public init(_ text: String) {
        pairs = text.split(separator: "&").compactMap { piece in
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            return value.map { (name, $0) }
        }
    }

    /// The first value of `name`, trimmed; nil when absent or empty.
    public subscript(_ name: String) -> String? {
        pairs.first { $0.0 == name }.map { $0.1.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
            $0.isEmpty ? nil : $0
        }
    }

    /// The first value of `name` exactly as sent (passwords are not trimmed).
    public func raw(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    /// Every value of `name` (checkboxes).
    public func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    private static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding?.precomposedStringWithCanonicalMapping
    }
}

extension String {
    /// Percent-encoded for a URL path segment or query value: everything but RFC 3986's unreserved characters.
    var urlEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .urlUnreserved) ?? ""
    }
}

extension CharacterSet {
    /// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
    static let urlUnreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
