/// One document inside a packet, as metadata.json lists it.
public struct PayloadFile: Sendable, Equatable, Codable {
    /// The file's name inside `data/`, NFC, as the clerk gave it.
    public let name: String
    /// Size in bytes.
    public let size: Int64
    /// SHA-256 of the content, lowercase hex.
    public let sha256: String
    /// IANA media type.
    public let mediaType: String

    public init(name: String, size: Int64, sha256: String, mediaType: String) {
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.mediaType = mediaType
    }
}
