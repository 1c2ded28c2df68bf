/// Who signed the document on paper or with their personal certificate (Decree 30 App. VI).
public struct SignerInfo: Sendable, Equatable, Codable {
    /// Authority under which they sign: `TM.`, `KT.`, `Q.`, `TL.`, `TUQ.` …
    public var competence: String?
    /// Their position: `Chủ tịch`, `Giám đốc` …
    public var position: String?
    /// Their full name.
    public var fullName: String?

    public init(competence: String? = nil, position: String? = nil, fullName: String? = nil) {
        self.competence = competence
        self.position = position
        self.fullName = fullName
    }

    /// `Nguyễn Văn A (TM. Chủ tịch)`: the signer as registers and logs name them.
    public var displayName: String {
        let role = [competence, position].compactMap { $0 }.joined(separator: " ")
        return [fullName, role.isEmpty ? nil : "(\(role))"].compactMap { $0 }.joined(separator: " ")
    }
}
