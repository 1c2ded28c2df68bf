/// A text for clerks: Vietnamese first (the office's language), English second (for admins and logs).
public struct Bilingual: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The Vietnamese text, NFC.
    public let vi: String
    /// The English text.
    public let en: String

    public init(vi: String, en: String) {
        self.vi = vi.precomposedNFC
        self.en = en
    }

    /// Vietnamese, then English in parentheses-free second line.
    public var description: String { "\(vi)\n\(en)" }
}
