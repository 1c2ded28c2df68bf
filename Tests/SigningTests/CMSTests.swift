import Foundation
import Signing
import TestSupport
import Testing

@Suite struct CMSTests {
    let content = Array("{\"subject\": \"Quyết định\"}\n".utf8)

    @Test(arguments: [KeyAlgorithm.ecP256, .rsa(bits: 2048)])
    func signsDetachedAndVerifiesTheSameBytes(_ algorithm: KeyAlgorithm) throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.01.H53", name: "Văn phòng", algorithm: algorithm)
        let time = Date(timeIntervalSince1970: 1_795_000_000)
        let der = try CMSSigner(key: signer.key, certificate: signer.certificate).sign(content, signingTime: time)
        let signature = try CMSSignature(der: der)
        #expect(signature.signingTime == time)
        let certificate = try signature.verify(content: content)
        #expect(certificate.sha256Fingerprint == signer.certificate.sha256Fingerprint)
    }

    @Test func theOpenSSLProgramVerifiesOurSignature() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.01.H53", name: "Văn phòng")
        let der = try CMSSigner(key: signer.key, certificate: signer.certificate).sign(content, signingTime: Date())
        let contentPath = try pki.directory.write("content.json", content)
        let signaturePath = try pki.directory.write("content.json.p7s", der)
        let result = try ProcessRunner.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", signaturePath,
                "-content", contentPath, "-CAfile", pki.rootPath, "-out", "/dev/null",
            ])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func weVerifyASignatureMadeByTheOpenSSLProgram() throws {
        let directory = TemporaryDirectory()
        let pki = try OpenSSLProgramPKI.make(in: directory, code: "000.00.02.H53", name: "Sở Nội vụ")
        let contentPath = try directory.write("m.json", content)
        let result = try ProcessRunner.run(
            "openssl",
            [
                "cms", "-sign", "-binary", "-in", contentPath, "-signer", pki.certificatePath,
                "-inkey", pki.keyPath, "-outform", "DER", "-out", directory.file("m.p7s"),
            ])
        #expect(result.status == 0, "\(result.output)")
        let signature = try CMSSignature(
            der: Array(try Data(contentsOf: URL(fileURLWithPath: directory.file("m.p7s")))))
        let certificate = try signature.verify(content: content)
        #expect(certificate.agencyCodes == ["000.00.02.H53"])
        let store = try TrustStore.load(anchorPaths: [pki.caPath])
        #expect(throws: Never.self) { try store.verify(certificate, at: signature.signingTime ?? Date()) }
    }

    @Test func changedContentOrAnotherSignatureIsAMismatch() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.01.H53", name: "Văn phòng")
        let cms = try CMSSigner(key: signer.key, certificate: signer.certificate)
        let der = try cms.sign(content, signingTime: Date())
        var edited = content
        edited[3] ^= 0x01
        #expect {
            try CMSSignature(der: der).verify(content: edited)
        } throws: { error in
            if case SignatureProblem.mismatch = error { return true }
            return false
        }
        let other = try cms.sign(Array("other".utf8), signingTime: Date())
        #expect(throws: (any Error).self) { try CMSSignature(der: other).verify(content: content) }
        #expect(throws: (any Error).self) { try CMSSignature(der: Array("not DER".utf8)) }
    }

    @Test func refusesAKeyThatIsNotTheCertificates() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.01.H53", name: "Văn phòng")
        #expect(throws: SigningError.self) {
            try CMSSigner(key: try PrivateKey.generate(.ecP256), certificate: signer.certificate)
        }
    }
}
