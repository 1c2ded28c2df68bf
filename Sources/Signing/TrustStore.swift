import COpenSSL
import Foundation

/// How revocation lists are consulted when a chain is verified.
public enum RevocationPolicy: Sendable, Equatable {
    /// Revocation is not checked.
    case ignore
    /// The signer's certificate is checked against its issuer's list when the store holds one.
    case whenAvailable
    /// The signer's certificate must be checked: a missing list from its issuer is a failure.
    case required
}

/// Trust anchors and revocation lists, and chain verification against them at a chosen instant.
///
/// Sendable: the underlying `X509_STORE` is filled once in `init` and only read afterwards; OpenSSL
/// locks a store's internal lookups, so verifying from several threads at once is safe.
public final class TrustStore: @unchecked Sendable {
    /// The trust anchors (root or intermediate CA certificates trusted as such).
    public let anchors: [Certificate]
    /// The revocation lists consulted under `RevocationPolicy.whenAvailable` and `.required`.
    public let revocationLists: [RevocationList]
    private let store: OpaquePointer

    /// A store trusting `anchors`, with `revocationLists` at hand.
    public init(anchors: [Certificate], revocationLists: [RevocationList] = []) throws {
        self.anchors = anchors
        self.revocationLists = revocationLists
        store = try OpenSSLError.nonNull(X509_STORE_new(), "X509_STORE_new")
        for anchor in anchors {
            // deinit frees the store, also when init throws here.
            guard X509_STORE_add_cert(store, anchor.pointer) == 1 else {
                throw OpenSSLError.drain("X509_STORE_add_cert")
            }
        }
        for list in revocationLists {
            guard X509_STORE_add_crl(store, list.pointer) == 1 else { throw OpenSSLError.drain("X509_STORE_add_crl") }
        }
    }

    /// A store from PEM files; a directory contributes every `*.pem` and `*.crt`/`*.crl` file in it.
    public static func load(anchorPaths: [String], revocationListPaths: [String] = []) throws -> TrustStore {
        let anchors = try expand(anchorPaths, extensions: ["pem", "crt", "cer"]).flatMap {
            try Certificate.load(path: $0)
        }
        let lists = try expand(revocationListPaths, extensions: ["pem", "crl"]).flatMap {
            try RevocationList.load(path: $0)
        }
        return try TrustStore(anchors: anchors, revocationLists: lists)
    }

    deinit { X509_STORE_free(store) }

    /// Verifies that `certificate` chains to an anchor and may sign documents at `time`.
    ///
    /// Validity periods are judged at `time` (the signing time), not at the moment of checking: a packet
    /// signed while its certificate was valid stays verifiable in the archive after the certificate expires.
    /// - Returns: the chain from `certificate` up to its anchor.
    @discardableResult
    public func verify(
        _ certificate: Certificate, intermediates: [Certificate] = [], at time: Date,
        revocation: RevocationPolicy = .whenAvailable
    ) throws(ChainProblem) -> [Certificate] {
        let subject = certificate.subject.description
        let chain: [Certificate]
        do {
            chain = try buildChain(certificate, intermediates: intermediates, revocation: revocation)
        } catch let error as ChainProblem {
            throw error
        } catch {
            throw ChainProblem.invalid(subject: subject, detail: "\(error)")
        }
        // Validity is checked here rather than by OpenSSL so that CRLs issued after the signing time still
        // count, and so that the reason names the certificate at fault.
        for link in chain {
            if time > link.notAfter {
                throw ChainProblem.expired(subject: link.subject.description, notAfter: link.notAfter, at: time)
            }
            if time < link.notBefore {
                throw ChainProblem.notYetValid(subject: link.subject.description, notBefore: link.notBefore, at: time)
            }
        }
        return chain
    }

    private func buildChain(
        _ certificate: Certificate, intermediates: [Certificate],
        revocation: RevocationPolicy
    ) throws -> [Certificate] {
        let context = try OpenSSLError.nonNull(X509_STORE_CTX_new(), "X509_STORE_CTX_new")
        defer { X509_STORE_CTX_free(context) }
        let untrusted = try OpenSSLError.nonNull(COpenSSL_sk_X509_new_null(), "sk_X509_new_null")
        defer { COpenSSL_sk_X509_free(untrusted) }  // the stack only borrows its certificates
        for intermediate in intermediates { _ = COpenSSL_sk_X509_push(untrusted, intermediate.pointer) }

        try OpenSSLError.check(
            X509_STORE_CTX_init(context, store, certificate.pointer, untrusted), "X509_STORE_CTX_init")
        // The purpose `openssl cms -verify` applies: key usage must allow signing (digitalSignature or
        // nonRepudiation), and an extended key usage, if present, must allow e-mail/document protection.
        try OpenSSLError.check(X509_STORE_CTX_set_default(context, "smime_sign"), "X509_STORE_CTX_set_default")
        var flags = UInt(X509_V_FLAG_NO_CHECK_TIME)
        if checksRevocation(of: certificate, policy: revocation) { flags |= UInt(X509_V_FLAG_CRL_CHECK) }
        X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(context), flags)

        ERR_clear_error()
        guard X509_verify_cert(context) == 1 else {
            let code = X509_STORE_CTX_get_error(context)
            let failing = X509_STORE_CTX_get_current_cert(context).map { Certificate(borrowing: $0) } ?? certificate
            ERR_clear_error()
            throw problem(code: code, at: failing)
        }
        guard let stack = X509_STORE_CTX_get0_chain(context) else { return [certificate] }
        return (0..<COpenSSL_sk_X509_num(stack)).compactMap { index in
            COpenSSL_sk_X509_value(stack, index).map { Certificate(borrowing: $0) }
        }
    }

    private func checksRevocation(of certificate: Certificate, policy: RevocationPolicy) -> Bool {
        switch policy {
        case .ignore: false
        case .required: true
        case .whenAvailable: revocationLists.contains { $0.issuer == certificate.issuer }
        }
    }

    private func problem(code: Int32, at certificate: Certificate) -> ChainProblem {
        let subject = certificate.subject.description
        let detail = String(cString: X509_verify_cert_error_string(Int(code)))
        switch code {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_CERT_REJECTED:
            return .untrusted(subject: subject, detail: detail)
        case X509_V_ERR_CERT_REVOKED:
            let date = revocationLists.lazy.compactMap { $0.revocationDate(of: certificate) }.first
            return .revoked(subject: subject, serial: certificate.serialNumber, revokedAt: date)
        case X509_V_ERR_UNABLE_TO_GET_CRL:
            return .revocationUnknown(subject: subject, issuer: certificate.issuer.description)
        case X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
            return .wrongKeyUsage(subject: subject, detail: detail)
        default:
            return .invalid(subject: subject, detail: detail)
        }
    }

    private static func expand(_ paths: [String], extensions: Set<String>) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SigningError.unreadable(path: path, reason: "no such file or directory")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                files += names.filter {
                    extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".")
                }
                .map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }
}
