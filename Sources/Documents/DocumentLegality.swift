import Packets

/// What one signature of a PDF proved.
public struct PDFSignatureCheck: Sendable, Codable, Equatable {
    /// The signer's name (certificate CN), when the signature could be read.
    public let signer: String?
    /// When it was signed (the signature's signing time), ISO 8601.
    public let signedAt: String?
    /// Whether the signature holds, chains to a trusted CA at signing time, and covers the whole file.
    public let valid: Bool
    /// Why not, in English (the document's reason says it in Vietnamese too).
    public let problem: String?
}

/// The legal value of one document (Decision 17/2019 Art 4.1): a document signed with a valid digital signature
/// has legal value; any other is for reference only.
public struct DocumentLegality: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case signed
        case referenceOnly = "reference-only"
    }

    /// The document's name in the packet.
    public let name: String
    public let status: Status
    public let signatures: [PDFSignatureCheck]
    /// Why the document is for reference only.
    public let reason: Bilingual?

    /// The signer of the valid signature, for display.
    public var signer: String? { signatures.last(where: \.valid)?.signer }

    /// The mark a clerk sees.
    public var mark: String {
        switch status {
        case .signed: "CÓ GIÁ TRỊ PHÁP LÝ"
        case .referenceOnly: "CHỈ CÓ GIÁ TRỊ THAM KHẢO"
        }
    }

    /// As a journal value.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("status", .string(status.rawValue))]
        if let signer { members.append(("signer", .string(signer))) }
        if let at = signatures.last(where: \.valid)?.signedAt { members.append(("signedAt", .string(at))) }
        if let reason {
            members.append(("reason", .string(reason.en)))
            members.append(("reasonVi", .string(reason.vi)))
        }
        return .object(members)
    }
}
