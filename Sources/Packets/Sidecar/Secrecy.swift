/// The secrecy level of a classified document (Law on Protection of State Secrets 2018).
public enum Secrecy: String, Sendable, CaseIterable, Codable, Comparable, ClerkChoice {
    case mat = "mat"
    case toiMat = "toi-mat"
    case tuyetMat = "tuyet-mat"

    /// The mark printed on the document, in Vietnamese.
    public var label: String {
        switch self {
        case .mat: "Mật"
        case .toiMat: "Tối mật"
        case .tuyetMat: "Tuyệt mật"
        }
    }

    private var rank: Int { Secrecy.allCases.firstIndex(of: self)! }

    public static func < (lhs: Secrecy, rhs: Secrecy) -> Bool { lhs.rank < rhs.rank }
}
