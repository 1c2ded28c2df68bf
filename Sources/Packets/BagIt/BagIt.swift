import Foundation

/// The BagIt 1.0 layout (RFC 8493) of a packet's folder.
public enum BagIt {
    /// `bagit.txt`.
    public static let declarationName = "bagit.txt"
    /// `bag-info.txt`.
    public static let bagInfoName = "bag-info.txt"
    /// `manifest-sha256.txt`.
    public static let manifestName = "manifest-sha256.txt"
    /// `tagmanifest-sha256.txt`.
    public static let tagManifestName = "tagmanifest-sha256.txt"
    /// The payload folder.
    public static let payloadDirectory = "data"

    /// The declaration every bag starts with.
    public static let declaration: [UInt8] = Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)

    /// `bag-info.txt` from labelled values; values are put on one line each.
    public static func bagInfo(_ fields: [(String, String)]) -> [UInt8] {
        Array(fields.map { "\($0.0): \($0.1.collapsingWhitespace)\n" }.joined().utf8)
    }

    /// A manifest: `<sha256>  <path>` lines, sorted by path.
    ///
    /// RFC 8493 asks for CR, LF and `%` in paths to be percent-encoded. Names with CR or LF never reach a packet
    /// (they are refused as control characters); `%` is written as itself, as bagit.py (the Library of Congress
    /// reference implementation that validates our packets) writes and reads it.
    public static func manifest(_ entries: [(path: String, sha256: String)]) -> [UInt8] {
        Array(entries.sorted { $0.path < $1.path }.map { "\($0.sha256)  \($0.path)\n" }.joined().utf8)
    }

    /// The lines of a manifest as (path, lowercase hash), or nil when a line is malformed.
    public static func parseManifest(_ bytes: [UInt8]) -> [(path: String, sha256: String)]? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var entries: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
            let hash = line[..<space].lowercased()
            let path = line[space...].drop(while: { $0 == " " || $0 == "\t" })
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit), !path.isEmpty else { return nil }
            entries.append((decodePath(String(path)).precomposedNFC, hash))
        }
        return entries
    }

    /// The labelled values of a tag file such as `bag-info.txt` or `bagit.txt`, in order.
    public static func parseTags(_ bytes: [UInt8]) -> [(String, String)]? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var tags: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.first == " " || line.first == "\t", !tags.isEmpty {  // a continuation line
                tags[tags.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            tags.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        return tags
    }

    /// Reverses the percent-encoding of CR and LF in manifest paths.
    static func decodePath(_ path: String) -> String {
        guard path.utf8.contains(UInt8(ascii: "%")) else { return path }
        return path.replacingOccurrences(of: "%0D", with: "\r", options: .caseInsensitive)
            .replacingOccurrences(of: "%0A", with: "\n", options: .caseInsensitive)
    }
}
