import COpenSSL
import Foundation

/// Why a CMS signature does not prove its content.
public enum SignatureProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a DER CMS SignedData structure.
    case malformed(String)
    /// The signature carries its content inside; LienThong signatures are detached.
    case notDetached
    /// There is not exactly one signer.
    case signerCount(Int)
    /// The signer's certificate is not inside the signature.
    case signerCertificateMissing
    /// The content does not match the signature (changed after signing, or another document's signature).
    case mismatch(String)

    public var description: String {
        switch self {
        case .malformed(let detail): "not a CMS signature: \(detail)"
        case .notDetached: "the signature is not detached"
        case .signerCount(let count): "the signature has \(count) signers, expected exactly one"
        case .signerCertificateMissing: "the signer's certificate is not in the signature"
        case .mismatch(let detail): "the content does not match the signature: \(detail)"
        }
    }
}

/// A parsed detached CMS signature.
public final class CMSSignature {
    let cms: OpaquePointer

    /// Parses a DER-encoded CMS SignedData.
    public init(der: [UInt8]) throws(SignatureProblem) {
        ERR_clear_error()
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_CMS_ContentInfo(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            throw SignatureProblem.malformed(OpenSSLError.drain("d2i_CMS_ContentInfo").description)
        }
        guard OBJ_obj2nid(CMS_get0_type(parsed)) == NID_pkcs7_signed else {
            CMS_ContentInfo_free(parsed)
            throw SignatureProblem.malformed("content type is not SignedData")
        }
        cms = parsed
    }

    deinit { CMS_ContentInfo_free(cms) }

    /// Every certificate carried inside the signature.
    public var embeddedCertificates: [Certificate] {
        guard let stack = CMS_get1_certs(cms) else { return [] }
        defer { COpenSSL_sk_X509_pop_free(stack) }
        return (0..<COpenSSL_sk_X509_num(stack)).compactMap { index in
            COpenSSL_sk_X509_value(stack, index).map { Certificate(borrowing: $0) }
        }
    }

    /// The signing-time attribute of the (single) signer, if present.
    public var signingTime: Date? {
        guard let infos = CMS_get0_SignerInfos(cms), COpenSSL_sk_CMS_SignerInfo_num(infos) == 1,
            let info = COpenSSL_sk_CMS_SignerInfo_value(infos, 0)
        else { return nil }
        let index = CMS_signed_get_attr_by_NID(info, NID_pkcs9_signingTime, -1)
        guard index >= 0, let attribute = CMS_signed_get_attr(info, index) else { return nil }
        for type in [V_ASN1_UTCTIME, V_ASN1_GENERALIZEDTIME] {
            if let raw = X509_ATTRIBUTE_get0_data(attribute, 0, type, nil) {
                return ASN1Time.date(raw.assumingMemoryBound(to: ASN1_TIME.self))
            }
        }
        return nil
    }

    /// Checks that the signature is a detached signature by one signer over exactly `content`, and returns
    /// that signer's certificate. The certificate's trust is not judged here (see `TrustStore.verify`).
    public func verify(content: [UInt8]) throws(SignatureProblem) -> Certificate {
        guard CMS_is_detached(cms) == 1 else { throw SignatureProblem.notDetached }
        guard let infos = CMS_get0_SignerInfos(cms) else { throw SignatureProblem.signerCount(0) }
        let count = Int(COpenSSL_sk_CMS_SignerInfo_num(infos))
        guard count == 1 else { throw SignatureProblem.signerCount(count) }

        let data: MemoryBIO
        let store: OpaquePointer
        do {
            data = try MemoryBIO(content)
            store = try OpenSSLError.nonNull(X509_STORE_new(), "X509_STORE_new")
        } catch {
            throw SignatureProblem.malformed("\(error)")
        }
        defer { X509_STORE_free(store) }
        ERR_clear_error()
        let flags = UInt32(CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY)
        guard CMS_verify(cms, nil, store, data.pointer, nil, flags) == 1 else {
            let error = OpenSSLError.drain("CMS_verify")
            if error.details.contains(where: { $0.contains("signer certificate not found") }) {
                throw SignatureProblem.signerCertificateMissing
            }
            throw SignatureProblem.mismatch(error.details.last ?? "verification failure")
        }
        guard let signers = CMS_get0_signers(cms) else { throw SignatureProblem.signerCertificateMissing }
        defer { COpenSSL_sk_X509_free(signers) }
        guard COpenSSL_sk_X509_num(signers) == 1, let signer = COpenSSL_sk_X509_value(signers, 0) else {
            throw SignatureProblem.signerCertificateMissing
        }
        return Certificate(borrowing: signer)
    }
}
