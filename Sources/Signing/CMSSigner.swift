import COpenSSL
import Foundation

/// Makes detached CMS signatures (DER) with OpenSSL's CMS API.
public struct CMSSigner {
    /// The signing agency's certificate.
    public let certificate: Certificate
    /// Intermediate CA certificates to embed so receivers can build the chain.
    public let chain: [Certificate]
    private let key: PrivateKey

    /// A signer with `key`, which must belong to `certificate`.
    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = []) throws {
        guard certificate.matches(key) else {
            throw SigningError.keyDoesNotMatchCertificate(certificate: certificate.subject.description)
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
    }

    /// A detached CMS SignedData over `content`, with SHA-256 and a signing-time attribute set to `signingTime`.
    ///
    /// Content is signed as binary (`CMS_BINARY`): no MIME canonicalisation, so `openssl cms -verify -binary`
    /// and any other CMS verifier see exactly the bytes that were signed.
    public func sign(_ content: [UInt8], signingTime: Date) throws -> [UInt8] {
        let flags = UInt32(CMS_DETACHED | CMS_BINARY | CMS_PARTIAL)
        let cms = try OpenSSLError.nonNull(CMS_sign(nil, nil, nil, nil, flags), "CMS_sign")
        defer { CMS_ContentInfo_free(cms) }
        let signer = try OpenSSLError.nonNull(
            CMS_add1_signer(cms, certificate.pointer, key.pointer, EVP_sha256(), flags), "CMS_add1_signer")
        // The signing time is ours to give (an injected clock), so OpenSSL must not add its own.
        let time = try ASN1Time.make(signingTime)
        defer { ASN1_TIME_free(time) }
        try OpenSSLError.check(
            CMS_signed_add1_attr_by_NID(signer, NID_pkcs9_signingTime, time.pointee.type, time, -1),
            "CMS_signed_add1_attr_by_NID(signingTime)")
        for intermediate in chain {
            try OpenSSLError.check(CMS_add1_cert(cms, intermediate.pointer), "CMS_add1_cert")
        }
        let data = try MemoryBIO(content)
        try OpenSSLError.check(CMS_final(cms, data.pointer, nil, flags), "CMS_final")
        let output = try MemoryBIO()
        try OpenSSLError.check(i2d_CMS_bio(output.pointer, cms), "i2d_CMS_bio")
        return output.bytes
    }
}
