/// One reason a packet is not valid: a stable code for programs, and a text for people.
public struct PacketProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// A stable, machine-readable code: `payload-changed`, `certificate-revoked` … (see README).
    public let code: String
    /// The check it belongs to: `archive`, `signature`, `certificate`, `sender`, `payload`, `bag`, `metadata`.
    public let check: String
    /// What is wrong, Vietnamese then English.
    public let message: Bilingual

    public init(_ code: String, check: String, vi: String, en: String) {
        self.code = code
        self.check = check
        self.message = Bilingual(vi: vi, en: en)
    }

    public var description: String { "\(code): \(message.en)" }
}
