/// An agency's electronic identifier, `NNN.NN.NN.Xnn` (13 characters), as Decision 20/2020/QĐ-TTg assigns them.
public struct AgencyCode: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The code, uppercase: `000.00.01.H53`.
    public let rawValue: String

    /// A code from text; lowercase letters are accepted and made uppercase. Nil unless the shape is right.
    public init?(_ text: String) {
        let code = text.uppercased()
        let bytes = Array(code.utf8)
        guard bytes.count == 13 else { return nil }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 3, 6, 9: guard byte == UInt8(ascii: ".") else { return nil }
            case 10: guard byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") else { return nil }
            default: guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            }
        }
        rawValue = code
    }

    public var description: String { rawValue }

    public static func < (lhs: AgencyCode, rhs: AgencyCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = AgencyCode(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an agency code: \(text)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
