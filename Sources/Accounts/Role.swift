/// What an account may do (Decision 17/2019 Art 5.1, 11.1: only account holders see documents).
public enum Role: String, Sendable, CaseIterable, Codable {
    /// A clerk (văn thư): only the documents their agency sent or received.
    case clerk
    /// An archivist (lưu trữ): every document, secret ones only at the levels granted.
    case archivist
    /// An administrator: manages accounts, and sees what an archivist with the same grants sees.
    case admin

    /// The role's name in Vietnamese.
    public var label: String {
        switch self {
        case .clerk: "Văn thư"
        case .archivist: "Lưu trữ"
        case .admin: "Quản trị"
        }
    }
}
