import COpenSSL
import Foundation

/// What a newly issued certificate is for.
public enum CertificateProfile: Sendable, Equatable {
    /// A CA that may issue certificates and revocation lists.
    case authority
    /// An agency's document-signing certificate.
    case documentSigner
    /// A certificate with explicit key usage and extended key usage values (OpenSSL's config syntax), for tests.
    case custom(keyUsage: String, extendedKeyUsage: String?)
}

/// A certificate authority made of a key and its certificate: it issues certificates and revocation lists with
/// OpenSSL's API. LienThong uses it for the demo PKI of `lienthong init --demo` and for tests; real agencies
/// receive their certificates from their national CA (Ban Cơ yếu Chính phủ).
public final class CertificateAuthority {
    /// The CA's private key.
    public let key: PrivateKey
    /// The CA's certificate.
    public let certificate: Certificate

    /// A CA from an existing key and certificate.
    public init(key: PrivateKey, certificate: Certificate) {
        self.key = key
        self.certificate = certificate
    }

    /// A new self-signed root CA.
    public static func makeRoot(subject: DistinguishedName, key: PrivateKey, validFrom: Date, validUntil: Date) throws
        -> CertificateAuthority
    {
        let certificate = try makeCertificate(
            subject: subject, publicKey: key, issuer: nil, issuerKey: key,
            validFrom: validFrom, validUntil: validUntil, profile: .authority)
        return CertificateAuthority(key: key, certificate: certificate)
    }

    /// Issues a certificate for the public half of `subjectKey`.
    public func issue(
        subject: DistinguishedName, subjectKey: PrivateKey, validFrom: Date, validUntil: Date,
        profile: CertificateProfile = .documentSigner
    ) throws -> Certificate {
        try Self.makeCertificate(
            subject: subject, publicKey: subjectKey, issuer: certificate, issuerKey: key,
            validFrom: validFrom, validUntil: validUntil, profile: profile)
    }

    /// Issues a subordinate CA.
    public func issueAuthority(
        subject: DistinguishedName, key subjectKey: PrivateKey, validFrom: Date, validUntil: Date
    ) throws -> CertificateAuthority {
        let issued = try issue(
            subject: subject, subjectKey: subjectKey, validFrom: validFrom, validUntil: validUntil, profile: .authority)
        return CertificateAuthority(key: subjectKey, certificate: issued)
    }

    /// A signed revocation list naming `revoked` certificates (with their revocation dates).
    public func revocationList(revoked: [(Certificate, Date)], thisUpdate: Date, nextUpdate: Date) throws
        -> RevocationList
    {
        let crl = try OpenSSLError.nonNull(X509_CRL_new(), "X509_CRL_new")
        let list = RevocationList(taking: crl)
        try OpenSSLError.check(X509_CRL_set_version(crl, 1), "X509_CRL_set_version")  // v2
        try OpenSSLError.check(
            X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate.pointer)), "X509_CRL_set_issuer_name")
        for (instant, setter) in [(thisUpdate, X509_CRL_set1_lastUpdate), (nextUpdate, X509_CRL_set1_nextUpdate)] {
            let time = try ASN1Time.make(instant)
            defer { ASN1_TIME_free(time) }
            try OpenSSLError.check(setter(crl, time), "X509_CRL_set1_*Update")
        }
        for (revokedCertificate, date) in revoked {
            let entry = try OpenSSLError.nonNull(X509_REVOKED_new(), "X509_REVOKED_new")
            let time = try ASN1Time.make(date)
            defer { ASN1_TIME_free(time) }
            guard X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(revokedCertificate.pointer)) == 1,
                X509_REVOKED_set_revocationDate(entry, time) == 1,
                X509_CRL_add0_revoked(crl, entry) == 1
            else {
                X509_REVOKED_free(entry)
                throw OpenSSLError.drain("X509_CRL_add0_revoked")
            }
        }
        try OpenSSLError.check(X509_CRL_sort(crl), "X509_CRL_sort")
        guard X509_CRL_sign(crl, key.pointer, EVP_sha256()) > 0 else { throw OpenSSLError.drain("X509_CRL_sign") }
        return list
    }

    private static func makeCertificate(
        subject: DistinguishedName, publicKey: PrivateKey, issuer: Certificate?,
        issuerKey: PrivateKey, validFrom: Date, validUntil: Date,
        profile: CertificateProfile
    ) throws -> Certificate {
        let x509 = try OpenSSLError.nonNull(X509_new(), "X509_new")
        let certificate = Certificate(taking: x509)
        try OpenSSLError.check(X509_set_version(x509, 2), "X509_set_version")  // v3

        // A random, positive 127-bit serial number.
        let serial = try OpenSSLError.nonNull(BN_new(), "BN_new")
        defer { BN_free(serial) }
        try OpenSSLError.check(BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand")
        _ = try OpenSSLError.nonNull(BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)), "BN_to_ASN1_INTEGER")

        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        try OpenSSLError.check(X509_set_subject_name(x509, name), "X509_set_subject_name")
        try OpenSSLError.check(
            X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.pointer) } ?? name), "X509_set_issuer_name"
        )
        try ASN1Time.set(X509_getm_notBefore(x509), to: validFrom)
        try ASN1Time.set(X509_getm_notAfter(x509), to: validUntil)
        try OpenSSLError.check(X509_set_pubkey(x509, publicKey.pointer), "X509_set_pubkey")

        var extensions: [(Int32, String)] = [(NID_subject_key_identifier, "hash")]
        extensions.append((NID_authority_key_identifier, "keyid:always"))
        switch profile {
        case .authority:
            extensions += [
                (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
            ]
        case .documentSigner:
            extensions += [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature,nonRepudiation"),
                (NID_ext_key_usage, "emailProtection"),
            ]
        case .custom(let keyUsage, let extendedKeyUsage):
            extensions += [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, keyUsage)]
            if let extendedKeyUsage { extensions.append((NID_ext_key_usage, extendedKeyUsage)) }
        }
        var context = X509V3_CTX()
        COpenSSL_X509V3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            let extensionValue = try OpenSSLError.nonNull(
                X509V3_EXT_conf_nid(nil, &context, nid, value), "X509V3_EXT_conf_nid(\(value))")
            defer { X509_EXTENSION_free(extensionValue) }
            try OpenSSLError.check(X509_add_ext(x509, extensionValue, -1), "X509_add_ext")
        }
        guard X509_sign(x509, issuerKey.pointer, EVP_sha256()) > 0 else { throw OpenSSLError.drain("X509_sign") }
        return certificate
    }
}
