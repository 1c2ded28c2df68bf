import Foundation
import Signing

/// An agency's key and certificate written to files, as a test uses them.
///
/// Sendable: every field is immutable; `PrivateKey` is only read (signing) after it is made.
public struct TestSigner: @unchecked Sendable {
    public let code: String
    public let name: String
    public let key: PrivateKey
    public let certificate: Certificate
    /// The key as PEM, mode 0600.
    public let keyPath: String
    /// The certificate as PEM.
    public let certificatePath: String
}

/// A throwaway PKI made with LienThong's own OpenSSL wrappers: a root CA, agency certificates with any validity
/// period or key usage, and revocation lists.
///
/// Sendable: its fields never change after init; issuing only reads the CA key.
public final class TestPKI: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let authority: CertificateAuthority
    /// The root certificate as PEM.
    public let rootPath: String
    public let name: String

    /// A root valid from ten years ago (or `validFrom`, when it is earlier: a test's injected instant) to ten years ahead.
    public init(name: String = "Test Root CA", algorithm: KeyAlgorithm = .ecP256, validFrom: Date? = nil) throws {
        directory = TemporaryDirectory("lienthong-pki")
        self.name = name
        let now = Date()
        let tenYearsAgo = now.addingTimeInterval(-10 * 365 * 86_400)
        authority = try CertificateAuthority.makeRoot(
            subject: DistinguishedName([("C", "VN"), ("O", "LienThong tests"), ("CN", name)]),
            key: try PrivateKey.generate(algorithm), validFrom: min(validFrom ?? tenYearsAgo, tenYearsAgo),
            validUntil: now.addingTimeInterval(10 * 365 * 86_400))
        rootPath = try directory.write("root.pem", authority.certificate.pem)
    }

    /// A certificate for an agency, valid by default from a year ago to a year ahead.
    public func signer(
        code: String, name: String, validFrom: Date? = nil, validUntil: Date? = nil,
        profile: CertificateProfile = .documentSigner, algorithm: KeyAlgorithm = .ecP256,
        namesAgency: Bool = true
    ) throws -> TestSigner {
        let key = try PrivateKey.generate(algorithm)
        var subject: [(String, String)] = [("C", "VN"), ("O", name)]
        if namesAgency { subject.append(("UID", code)) }
        subject.append(("CN", name))
        let certificate = try authority.issue(
            subject: DistinguishedName(subject), subjectKey: key,
            validFrom: validFrom ?? Date().addingTimeInterval(-365 * 86_400),
            validUntil: validUntil ?? Date().addingTimeInterval(365 * 86_400), profile: profile)
        let stem = "\(code)-\(UUID().uuidString.prefix(8))"
        let keyPath = try directory.write("\(stem).key.pem", try key.pem(), mode: 0o600)
        let certificatePath = try directory.write("\(stem).pem", certificate.pem)
        return TestSigner(
            code: code, name: name, key: key, certificate: certificate, keyPath: keyPath,
            certificatePath: certificatePath)
    }

    /// A revocation list revoking `certificates` a day ago; returns its PEM path.
    public func revocationList(revoking certificates: [Certificate]) throws -> String {
        let now = Date()
        let list = try authority.revocationList(
            revoked: certificates.map { ($0, now.addingTimeInterval(-86_400)) },
            thisUpdate: now.addingTimeInterval(-3600), nextUpdate: now.addingTimeInterval(30 * 86_400))
        return try directory.write("crl-\(UUID().uuidString.prefix(8)).pem", list.pem)
    }
}

/// A PKI made by the `openssl` program itself, so the project is checked against certificates it did not make.
public struct OpenSSLProgramPKI: Sendable {
    public let caPath: String
    public let keyPath: String
    public let certificatePath: String

    /// Makes an RSA root CA and an EC agency certificate for `code` with `openssl req` and `openssl x509`.
    public static func make(in directory: TemporaryDirectory, code: String, name: String) throws -> OpenSSLProgramPKI {
        let ca = directory.file("openssl-ca")
        let agency = directory.file("openssl-agency")
        try directory.write(
            "openssl-ext.cnf",
            """
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, nonRepudiation
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid
            """)
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(ca).key", "-out", "\(ca).pem", "-days",
                "3650",
                "-subj", "/C=VN/O=OpenSSL test CA/CN=OpenSSL Test Root", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(agency).key",
                "-out", "\(agency).csr", "-utf8", "-subj", "/C=VN/O=\(name)/UID=\(code)/CN=\(name)",
            ],
            [
                "x509", "-req", "-in", "\(agency).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
                "-out", "\(agency).pem", "-days", "365", "-extfile", directory.file("openssl-ext.cnf"),
            ],
        ]
        for step in steps {
            let result = try ProcessRunner.run("openssl", step)
            guard result.status == 0 else {
                throw ProcessError.spawn("openssl \(step[0]): \(result.stderr)", result.status)
            }
        }
        chmod("\(agency).key", 0o600)
        return OpenSSLProgramPKI(caPath: "\(ca).pem", keyPath: "\(agency).key", certificatePath: "\(agency).pem")
    }
}
