/// Why a key, certificate or signature could not be loaded or made.
public enum SigningError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// The private key file can be read by group or others; the office refuses to use it.
    case keyFileTooOpen(path: String, mode: UInt32)
    /// The private key is encrypted and no passphrase was given.
    case passphraseRequired(path: String)
    /// The passphrase did not decrypt the private key.
    case wrongPassphrase(path: String)
    /// The passphrase source (environment variable or file) gave nothing usable.
    case passphraseUnavailable(source: String)
    /// The file holds no PEM object of the expected kind.
    case noPEMObject(path: String, expected: String)
    /// The private key does not belong to the certificate.
    case keyDoesNotMatchCertificate(certificate: String)
    /// The certificate cannot sign at this time.
    case certificateNotValid(subject: String, notBefore: String, notAfter: String, at: String)
    /// A lower-level OpenSSL failure.
    case openSSL(operation: String, details: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .keyFileTooOpen(let path, let mode):
            "private key \(path) is readable by group or others (mode \(String(mode & 0o777, radix: 8))); run: chmod 600 \(path)"
        case .passphraseRequired(let path):
            "private key \(path) is encrypted; give its passphrase in LIENTHONG_KEY_PASSPHRASE or with --key-passphrase-file"
        case .wrongPassphrase(let path): "the passphrase does not decrypt private key \(path)"
        case .passphraseUnavailable(let source): "no passphrase available from \(source)"
        case .noPEMObject(let path, let expected): "\(path) holds no PEM \(expected)"
        case .keyDoesNotMatchCertificate(let certificate):
            "the private key does not belong to certificate \(certificate)"
        case .certificateNotValid(let subject, let notBefore, let notAfter, let at):
            "certificate \(subject) is valid from \(notBefore) to \(notAfter), not at \(at)"
        case .openSSL(let operation, let details): OpenSSLError(operation: operation, details: details).description
        }
    }

    init(_ error: OpenSSLError) {
        self = .openSSL(operation: error.operation, details: error.details)
    }
}
