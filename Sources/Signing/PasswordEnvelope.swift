import COpenSSL

/// Secrets sealed under a passphrase as CMS EnvelopedData with a password recipient (RFC 3211 PWRI: the content
/// key wrapped under a key derived from the passphrase by PBKDF2, the content under AES-256-CBC), through OpenSSL's
/// CMS API — the same file `openssl cms -decrypt -inform DER -pwri_password file:PASS -in F.p7m` opens. Used for the
/// private keys a backup carries with `--include-keys`.
public enum PasswordEnvelope {
    /// PBKDF2 iterations for the key-encryption key (OWASP's 2023 figure for PBKDF2-HMAC-SHA256): a fraction of a
    /// second per secret, and a backup holds few.
    public static let iterations: Int32 = 600_000

    /// `content` sealed under `passphrase` (DER).
    public static func seal(_ content: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        guard !passphrase.isEmpty else { throw SigningError.passphraseUnavailable(source: "an empty passphrase") }
        let flags = UInt32(CMS_BINARY | CMS_PARTIAL)
        let cms = try OpenSSLError.nonNull(CMS_encrypt(nil, nil, EVP_aes_256_cbc(), flags), "CMS_encrypt")
        defer { CMS_ContentInfo_free(cms) }
        // OpenSSL keeps the pointer it is given (add0): the copy is handed over and freed with the structure.
        let pass = try OpenSSLError.nonNull(COpenSSL_memdup(passphrase, passphrase.count), "OPENSSL_memdup")
        guard
            CMS_add0_recipient_password(
                cms, iterations, NID_id_alg_PWRI_KEK, NID_id_pbkdf2, pass, Int(passphrase.count),
                EVP_aes_256_cbc()) != nil
        else {
            COpenSSL_free(pass)
            throw OpenSSLError.drain("CMS_add0_recipient_password")
        }
        let data = try MemoryBIO(content)
        try OpenSSLError.check(CMS_final(cms, data.pointer, nil, flags), "CMS_final")
        let output = try MemoryBIO()
        try OpenSSLError.check(i2d_CMS_bio(output.pointer, cms), "i2d_CMS_bio")
        return output.bytes
    }

    /// The content of an envelope made by `seal`; throws when the passphrase is wrong or the envelope damaged.
    public static func open(_ envelope: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        let input = try MemoryBIO(envelope)
        let cms = try OpenSSLError.nonNull(d2i_CMS_bio(input.pointer, nil), "d2i_CMS_bio")
        defer { CMS_ContentInfo_free(cms) }
        var pass = passphrase
        try OpenSSLError.check(
            CMS_decrypt_set1_password(cms, &pass, Int(pass.count)), "CMS_decrypt_set1_password")
        let output = try MemoryBIO()
        try OpenSSLError.check(
            CMS_decrypt(cms, nil, nil, nil, output.pointer, UInt32(CMS_BINARY)), "CMS_decrypt (wrong passphrase?)")
        return output.bytes
    }
}
