import COpenSSL

extension CMSSignature {
    /// A digester for the algorithm the (single) signer used over the content, to hash large content as it streams
    /// (the signed byte ranges of a PDF) instead of holding it in memory.
    public func contentDigester() throws(SignatureProblem) -> Digester {
        let signer = try signerInfo()
        var algorithm: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(signer, nil, nil, &algorithm, nil)
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        guard let object, let digester = Digester(nid: OBJ_obj2nid(object)) else {
            throw SignatureProblem.malformed("unknown digest algorithm")
        }
        return digester
    }

    /// Checks a signature over content given by its digest: the signed messageDigest attribute must equal
    /// `contentDigest`, and the signer's signature over the signed attributes must hold. Returns the signer's
    /// certificate (its trust is judged by `TrustStore.verify`).
    public func verify(contentDigest: [UInt8]) throws(SignatureProblem) -> Certificate {
        let signer = try signerInfo()
        guard
            let recorded = CMS_signed_get0_data_by_OBJ(
                signer, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING)
        else {
            throw SignatureProblem.malformed("no signed messageDigest attribute")
        }
        let octets = recorded.assumingMemoryBound(to: ASN1_OCTET_STRING.self)
        let length = Int(ASN1_STRING_length(octets))
        guard let data = ASN1_STRING_get0_data(octets) else { throw SignatureProblem.malformed("empty messageDigest") }
        let expected = Array(UnsafeBufferPointer(start: data, count: length))
        guard expected == contentDigest else {
            throw SignatureProblem.mismatch("the content's digest differs from the signed one")
        }
        guard let certificate = embeddedCertificates.first(where: { CMS_SignerInfo_cert_cmp(signer, $0.pointer) == 0 })
        else {
            throw SignatureProblem.signerCertificateMissing
        }
        CMS_SignerInfo_set1_signer_cert(signer, certificate.pointer)
        ERR_clear_error()
        guard CMS_SignerInfo_verify(signer) == 1 else {
            let error = OpenSSLError.drain("CMS_SignerInfo_verify")
            throw SignatureProblem.mismatch(
                error.details.last ?? "the signature over the signed attributes does not hold")
        }
        return certificate
    }

    private func signerInfo() throws(SignatureProblem) -> OpaquePointer {
        guard let infos = CMS_get0_SignerInfos(cms) else { throw SignatureProblem.signerCount(0) }
        let count = Int(COpenSSL_sk_CMS_SignerInfo_num(infos))
        guard count == 1, let info = COpenSSL_sk_CMS_SignerInfo_value(infos, 0) else {
            throw SignatureProblem.signerCount(count)
        }
        return info
    }
}
