/// Why an account operation was refused.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case exists(String)
    case unknown(String)
    case agencyRequired
    case invalidAgency(String)
    case weakPassword

    public var description: String {
        switch self {
        case .invalidName(let name):
            "Tên đăng nhập “\(name)” không hợp lệ — use 1 to 64 letters, digits, '.', '-' or '_'"
        case .exists(let name): "Tài khoản “\(name)” đã có — choose another name"
        case .unknown(let name): "Không có tài khoản “\(name)” — no such account"
        case .agencyRequired: "Văn thư phải thuộc một cơ quan: ghi mã cơ quan — a clerk needs an agency code"
        case .invalidAgency(let code):
            "Mã cơ quan “\(code)” không hợp lệ hoặc không có trong hệ thống — write NNN.NN.NN.Xnn, an agency of this office"
        case .weakPassword:
            "Mật khẩu phải có ít nhất \(PasswordPolicy.minimumLength) ký tự — the password needs at least \(PasswordPolicy.minimumLength) characters"
        }
    }
}
