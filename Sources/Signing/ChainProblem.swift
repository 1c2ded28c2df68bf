import Foundation

/// Why a certificate chain was not accepted at the time that matters (the signing time).
public enum ChainProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// No path from the certificate to a trust anchor.
    case untrusted(subject: String, detail: String)
    /// A certificate of the chain had expired.
    case expired(subject: String, notAfter: Date, at: Date)
    /// A certificate of the chain was not yet valid.
    case notYetValid(subject: String, notBefore: Date, at: Date)
    /// A certificate of the chain is on its issuer's revocation list.
    case revoked(subject: String, serial: String, revokedAt: Date?)
    /// Revocation had to be checked but no list from the issuer is at hand.
    case revocationUnknown(subject: String, issuer: String)
    /// The certificate may not sign documents (key usage or extended key usage).
    case wrongKeyUsage(subject: String, detail: String)
    /// Anything else OpenSSL refused (a broken certificate signature, a bad CA certificate …).
    case invalid(subject: String, detail: String)

    public var description: String {
        switch self {
        case .untrusted(let subject, let detail): "certificate \(subject) is not trusted: \(detail)"
        case .expired(let subject, let notAfter, let at):
            "certificate \(subject) expired on \(notAfter.iso8601UTC), before the signing time \(at.iso8601UTC)"
        case .notYetValid(let subject, let notBefore, let at):
            "certificate \(subject) is valid only from \(notBefore.iso8601UTC), after the signing time \(at.iso8601UTC)"
        case .revoked(let subject, let serial, let revokedAt):
            "certificate \(subject) (serial \(serial)) is revoked" + (revokedAt.map { " since \($0.iso8601UTC)" } ?? "")
        case .revocationUnknown(let subject, let issuer):
            "no revocation list from \(issuer) to check certificate \(subject)"
        case .wrongKeyUsage(let subject, let detail): "certificate \(subject) may not sign documents: \(detail)"
        case .invalid(let subject, let detail): "certificate \(subject) is invalid: \(detail)"
        }
    }
}
