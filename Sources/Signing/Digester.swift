import COpenSSL

/// An incremental digest with any algorithm OpenSSL knows (SHA-256, SHA-384, SHA-1 …), for signatures whose
/// algorithm the signer chose (PDF signatures).
public final class Digester {
    private let context: OpaquePointer

    /// A digest with OpenSSL's `EVP_MD` for `nid`; nil when OpenSSL does not know it.
    init?(nid: Int32) {
        guard let name = OBJ_nid2sn(nid), let algorithm = EVP_get_digestbyname(name), let context = EVP_MD_CTX_new()
        else { return nil }
        guard EVP_DigestInit_ex(context, algorithm, nil) == 1 else {
            EVP_MD_CTX_free(context)
            return nil
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes`.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        precondition(EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1, "EVP_DigestUpdate failed")
    }

    /// Ends the digest.
    public func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1, "EVP_DigestFinal_ex failed")
        return Array(digest.prefix(Int(length)))
    }
}
