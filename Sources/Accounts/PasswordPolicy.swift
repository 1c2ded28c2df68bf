import HummingbirdBcrypt

/// How passwords are checked and hashed.
public enum PasswordPolicy {
    /// The shortest password accepted.
    public static let minimumLength = 8
    /// bcrypt's cost: 2^12 rounds, a quarter of a second or so, so that a stolen accounts file is slow to attack.
    public static let defaultCost: UInt8 = 12

    /// Refuses passwords that are too short (counted in characters, not bytes).
    public static func check(_ password: String) throws(AccountError) {
        guard password.count >= minimumLength else { throw .weakPassword }
    }

    /// A bcrypt hash of `password`. bcrypt reads at most 72 bytes.
    static func hash(_ password: String, cost: UInt8) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches `hash`.
    static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
