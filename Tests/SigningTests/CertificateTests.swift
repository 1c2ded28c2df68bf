import Foundation
import Signing
import TestSupport
import Testing

@Suite struct CertificateTests {
    @Test func readsNamesValidityAndAgencyCode() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.02.H53", name: "Sở Nội vụ tỉnh Thái Bình")
        let certificate = try #require(try Certificate.load(path: signer.certificatePath).first)
        #expect(certificate.subject["CN"] == "Sở Nội vụ tỉnh Thái Bình")
        #expect(certificate.agencyCodes == ["000.00.02.H53"])
        #expect(certificate.issuer == pki.authority.certificate.subject)
        #expect(certificate.isValid(at: Date()))
        #expect(!certificate.isValid(at: Date().addingTimeInterval(2 * 365 * 86_400)))
        #expect(certificate.matches(signer.key))
        #expect(!certificate.matches(try PrivateKey.generate(.ecP256)))
        #expect(!certificate.isCertificateAuthority)
        #expect(pki.authority.certificate.isCertificateAuthority)
    }

    @Test func fingerprintAgreesWithTheOpenSSLProgram() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.01.H53", name: "Văn phòng")
        let result = try ProcessRunner.run(
            "openssl", ["x509", "-in", signer.certificatePath, "-noout", "-fingerprint", "-sha256"])
        let openssl = result.stdout.split(separator: "=").last!.replacingOccurrences(of: ":", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        #expect(signer.certificate.sha256Fingerprint == openssl)
        let serial = try ProcessRunner.run("openssl", ["x509", "-in", signer.certificatePath, "-noout", "-serial"])
        #expect(
            serial.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "serial=\(signer.certificate.serialNumber)"
        )
    }

    @Test func readsEveryCertificateOfABundleAndRefusesGarbage() throws {
        let pki = try TestPKI()
        let a = try pki.signer(code: "000.00.01.H53", name: "A")
        let b = try pki.signer(code: "000.00.02.H53", name: "B")
        let bundle = try Certificate.all(pem: Array((a.certificate.pem + b.certificate.pem).utf8))
        #expect(bundle.map(\.sha256Fingerprint) == [a.certificate.sha256Fingerprint, b.certificate.sha256Fingerprint])
        #expect(throws: SigningError.self) { try Certificate.all(pem: Array("garbage".utf8)) }
        #expect(throws: (any Error).self) { try Certificate(der: [0x30, 0x03, 0x02, 0x01]) }
    }
}
