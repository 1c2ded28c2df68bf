import COpenSSL

/// A PKCS#10 certificate signing request, made with OpenSSL's API: what `agency add` hands the admin for the CA
/// (Ban Cơ yếu Chính phủ) when the office makes an agency's key itself.
public enum CertificateRequest {
    /// A CSR for the public half of `key`, naming `subject`, signed with the key (SHA-256), as PEM.
    public static func pem(subject: DistinguishedName, key: PrivateKey) throws -> [UInt8] {
        let request = try OpenSSLError.nonNull(X509_REQ_new(), "X509_REQ_new")
        defer { X509_REQ_free(request) }
        try OpenSSLError.check(X509_REQ_set_version(request, 0), "X509_REQ_set_version")
        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        try OpenSSLError.check(X509_REQ_set_subject_name(request, name), "X509_REQ_set_subject_name")
        try OpenSSLError.check(X509_REQ_set_pubkey(request, key.pointer), "X509_REQ_set_pubkey")
        guard X509_REQ_sign(request, key.pointer, EVP_sha256()) > 0 else { throw OpenSSLError.drain("X509_REQ_sign") }
        let bio = try MemoryBIO()
        try OpenSSLError.check(PEM_write_bio_X509_REQ(bio.pointer, request), "PEM_write_bio_X509_REQ")
        return bio.bytes
    }
}
