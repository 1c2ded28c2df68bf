import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// The demo PKI of `lienthong init --demo`: a root CA marked TEST ONLY and one key and certificate per demo
/// agency, all generated with OpenSSL's API. Real agencies use certificates from Ban Cơ yếu Chính phủ.
struct DemoPKI {
    let spool: SpoolLayout
    let clock: () -> Date

    static let marker = "DEMO - TEST ONLY - KHÔNG DÙNG THẬT"

    /// Installs whatever part of the demo is missing; returns the spool-relative paths it wrote.
    func install() throws -> [String] {
        var created: [String] = []
        let authority = try loadOrMakeAuthority(&created)
        for (code, name) in DemoAgencies.all where access(spool.agency(code), F_OK) != 0 {
            created += try makeAgency(code: code, name: name, authority: authority)
        }
        return created
    }

    private func loadOrMakeAuthority(_ created: inout [String]) throws -> CertificateAuthority {
        let keyPath = spool.demoAuthority + "/ca-key.pem"
        let certificatePath = spool.trustAnchors + "/lienthong-demo-root-ca.pem"
        if access(keyPath, F_OK) == 0, access(certificatePath, F_OK) == 0 {
            let key = try PrivateKey.load(path: keyPath, passphrase: nil)
            guard let certificate = try Certificate.load(path: certificatePath).first else {
                throw SigningError.noPEMObject(path: certificatePath, expected: "certificate")
            }
            return CertificateAuthority(key: key, certificate: certificate)
        }
        let now = clock()
        let key = try PrivateKey.generate(.ecP256)
        let authority = try CertificateAuthority.makeRoot(
            subject: DistinguishedName([
                ("C", "VN"), ("O", "LienThong (demo)"), ("OU", Self.marker), ("CN", "LienThong Demo Root CA"),
            ]),
            key: key, validFrom: now.addingTimeInterval(-86_400), validUntil: now.addingTimeInterval(10 * 365 * 86_400))
        try Durable.makeDirectories(spool.demoAuthority, mode: 0o700)
        try Durable.writeFile(at: keyPath, bytes: try key.pem(), mode: 0o600)
        try Durable.writeFile(at: certificatePath, bytes: Array(authority.certificate.pem.utf8))
        let crl = try authority.revocationList(
            revoked: [], thisUpdate: now.addingTimeInterval(-60),
            nextUpdate: now.addingTimeInterval(365 * 86_400))
        let crlPath = spool.revocationLists + "/lienthong-demo-root-ca.crl.pem"
        try Durable.writeFile(at: crlPath, bytes: Array(crl.pem.utf8), replace: true)
        created += [
            "state/demo-ca/ca-key.pem", "trust/ca/lienthong-demo-root-ca.pem",
            "trust/crl/lienthong-demo-root-ca.crl.pem",
        ]
        return authority
    }

    private func makeAgency(code: AgencyCode, name: String, authority: CertificateAuthority) throws -> [String] {
        let now = clock()
        let key = try PrivateKey.generate(.ecP256)
        let certificate = try authority.issue(
            subject: DistinguishedName([
                ("C", "VN"), ("O", name), ("OU", Self.marker), ("UID", code.rawValue), ("CN", name),
            ]),
            subjectKey: key, validFrom: now.addingTimeInterval(-3600),
            validUntil: now.addingTimeInterval(2 * 365 * 86_400))
        let folder = spool.agency(code)
        let keyRelative = "state/keys/\(code.rawValue).pem"
        try Durable.writeFile(at: spool.path(keyRelative), bytes: try key.pem(), mode: 0o600)
        for directory in [folder, spool.outbox(code), spool.inbox(code), spool.rejected(code)] {
            try Durable.makeDirectories(directory)
        }
        let certificateRelative = "agencies/\(code.rawValue)/certificate.pem"
        try Durable.writeFile(at: spool.path(certificateRelative), bytes: Array(certificate.pem.utf8))
        let yaml = """
            # DEMO agency made by `lienthong init --demo`: its key and certificate come from the LienThong demo CA
            # and are for testing only. A real agency uses the certificate issued by Ban Cơ yếu Chính phủ.
            demo: true
            name: \(name)
            certificate: \(certificateRelative)
            key: \(keyRelative)

            """
        try Durable.writeFile(at: spool.agencyConfig(code), bytes: Array(yaml.utf8))
        return ["agencies/\(code.rawValue)/", keyRelative]
    }
}
