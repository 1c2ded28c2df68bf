/// The container formats a packet may use.
public enum ArchiveFormat: String, Sendable, CaseIterable, Codable {
    /// POSIX pax tar (ustar headers, pax extensions only for long or non-ASCII names and large files).
    case tar
    /// Zip, entries stored uncompressed (documents are mostly compressed already), zip64 when needed.
    case zip

    /// The file name extension, without the dot.
    public var fileExtension: String { rawValue }

    /// The format a file name asks for by its extension, if any.
    public init?(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".tar") { self = .tar } else if lower.hasSuffix(".zip") { self = .zip } else { return nil }
    }
}
