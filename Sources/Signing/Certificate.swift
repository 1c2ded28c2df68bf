import COpenSSL
import Foundation

/// An owned X.509 certificate.
///
/// Sendable: a `Certificate` never changes after it is made, and OpenSSL guards the lazily filled caches
/// inside an `X509` with its own lock, so reading one from several threads is safe.
public final class Certificate: @unchecked Sendable, CustomStringConvertible {
    let pointer: OpaquePointer

    /// Takes ownership of an `X509*` with one reference owed to this object.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Shares an `X509*` owned elsewhere, taking a reference of its own.
    init(borrowing pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }

    /// Parses one DER-encoded certificate.
    public convenience init(der: [UInt8]) throws {
        let certificate = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        self.init(taking: try OpenSSLError.nonNull(certificate, "d2i_X509"))
    }

    /// Every certificate in a PEM bundle, in file order.
    public static func all(pem: [UInt8], path: String = "<memory>") throws -> [Certificate] {
        let bio = try MemoryBIO(pem)
        var certificates: [Certificate] = []
        while let x509 = PEM_read_bio_X509(bio.pointer, nil, nil, nil) {
            certificates.append(Certificate(taking: x509))
        }
        ERR_clear_error()  // the loop ends on "no start line", which is not an error
        guard !certificates.isEmpty else { throw SigningError.noPEMObject(path: path, expected: "certificate") }
        return certificates
    }

    /// Every certificate in the PEM file at `path`.
    public static func load(path: String) throws -> [Certificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SigningError.unreadable(path: path, reason: "missing or not readable")
        }
        return try all(pem: Array(data), path: path)
    }

    /// The certificate in DER.
    public var der: [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &output)
        guard length > 0, let output else { return [] }
        defer { COpenSSL_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// The certificate in PEM.
    public var pem: String {
        guard let bio = try? MemoryBIO(), PEM_write_bio_X509(bio.pointer, pointer) == 1 else { return "" }
        return bio.string
    }

    /// SHA-256 of the DER encoding, lowercase hex: the fingerprint recorded in packet metadata.
    public var sha256Fingerprint: String { SHA256Hasher.hex(of: der) }

    /// The subject name.
    public var subject: DistinguishedName { DistinguishedName(borrowing: X509_get_subject_name(pointer)) }

    /// The issuer name.
    public var issuer: DistinguishedName { DistinguishedName(borrowing: X509_get_issuer_name(pointer)) }

    /// The serial number in uppercase hex.
    public var serialNumber: String {
        guard let serial = X509_get0_serialNumber(pointer),
            let bignum = ASN1_INTEGER_to_BN(serial, nil)
        else { return "" }
        defer { BN_free(bignum) }
        guard let hex = BN_bn2hex(bignum) else { return "" }
        defer { COpenSSL_free(hex) }
        return String(cString: hex)
    }

    /// Start of the validity period.
    public var notBefore: Date { ASN1Time.date(X509_get0_notBefore(pointer)) ?? .distantFuture }

    /// End of the validity period.
    public var notAfter: Date { ASN1Time.date(X509_get0_notAfter(pointer)) ?? .distantPast }

    /// Whether `date` falls inside the validity period.
    public func isValid(at date: Date) -> Bool { notBefore <= date && date <= notAfter }

    /// Whether this certificate is a CA (basicConstraints CA:TRUE).
    public var isCertificateAuthority: Bool { X509_check_ca(pointer) != 0 }

    /// Agency codes the certificate names: the values of its subject's `UID` and `organizationIdentifier`.
    ///
    /// An agency certificate names its agency code (Decision 20/2020, `NNN.NN.NN.Xnn`) in one of these
    /// attributes; that is how a signer is matched to the sender a packet claims when no spool registry is at hand.
    public var agencyCodes: [String] {
        let name = subject
        return name.values("UID") + name.values("organizationIdentifier")
    }

    /// Whether `key` is the private half of this certificate's public key.
    public func matches(_ key: PrivateKey) -> Bool {
        let matched = X509_check_private_key(pointer, key.pointer) == 1
        ERR_clear_error()
        return matched
    }

    /// Throws unless the certificate is valid at `date`.
    public func requireValid(at date: Date) throws {
        guard isValid(at: date) else {
            throw SigningError.certificateNotValid(
                subject: subject.description, notBefore: notBefore.iso8601UTC,
                notAfter: notAfter.iso8601UTC, at: date.iso8601UTC)
        }
    }

    public var description: String { "\(subject) (serial \(serialNumber))" }
}
