import COpenSSL
import Foundation

/// An owned certificate revocation list (`X509_CRL`).
///
/// Sendable for the same reason as `Certificate`: immutable once made, and OpenSSL locks its internal caches.
public final class RevocationList: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { X509_CRL_free(pointer) }

    /// Every CRL in a PEM file's bytes, in order.
    public static func all(pem: [UInt8], path: String = "<memory>") throws -> [RevocationList] {
        let bio = try MemoryBIO(pem)
        var lists: [RevocationList] = []
        while let crl = PEM_read_bio_X509_CRL(bio.pointer, nil, nil, nil) {
            lists.append(RevocationList(taking: crl))
        }
        ERR_clear_error()
        guard !lists.isEmpty else { throw SigningError.noPEMObject(path: path, expected: "X509 CRL") }
        return lists
    }

    /// The CRLs of a file's bytes: PEM (one or more), or one DER-encoded list (CAs publish `.crl` files in DER).
    public static func parse(_ bytes: [UInt8], path: String = "<memory>") throws -> [RevocationList] {
        if let lists = try? all(pem: bytes, path: path) { return lists }
        let crl = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_X509_CRL(nil, &cursor, buffer.count)
        }
        ERR_clear_error()
        guard let crl else { throw SigningError.noPEMObject(path: path, expected: "X509 CRL (PEM or DER)") }
        return [RevocationList(taking: crl)]
    }

    /// How many certificates the list names.
    public var count: Int { Int(COpenSSL_sk_X509_REVOKED_num(X509_CRL_get_REVOKED(pointer))) }

    /// Every CRL in the PEM file at `path`.
    public static func load(path: String) throws -> [RevocationList] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SigningError.unreadable(path: path, reason: "missing or not readable")
        }
        return try all(pem: Array(data), path: path)
    }

    /// The CRL in PEM.
    public var pem: String {
        guard let bio = try? MemoryBIO(), PEM_write_bio_X509_CRL(bio.pointer, pointer) == 1 else { return "" }
        return bio.string
    }

    /// The CA that issued the list.
    public var issuer: DistinguishedName { DistinguishedName(borrowing: X509_CRL_get_issuer(pointer)) }

    /// When the list was issued.
    public var thisUpdate: Date? { ASN1Time.date(X509_CRL_get0_lastUpdate(pointer)) }

    /// When the next list is due.
    public var nextUpdate: Date? { ASN1Time.date(X509_CRL_get0_nextUpdate(pointer)) }

    /// Whether the list's signature verifies with `authority`'s public key (`X509_CRL_verify`): a list that
    /// does not is not that CA's, whatever issuer name it carries.
    public func isSigned(by authority: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(authority.pointer) else {
            ERR_clear_error()
            return false
        }
        let verified = X509_CRL_verify(pointer, key) == 1
        ERR_clear_error()
        return verified
    }

    /// When `certificate` was revoked, if this list names it (and the list's issuer issued it).
    public func revocationDate(of certificate: Certificate) -> Date? {
        var entry: OpaquePointer?
        guard X509_CRL_get0_by_cert(pointer, &entry, certificate.pointer) == 1, let entry else { return nil }
        return ASN1Time.date(X509_REVOKED_get0_revocationDate(entry))
    }
}
