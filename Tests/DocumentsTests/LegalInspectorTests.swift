import Documents
import Foundation
import Signing
import TestSupport
import Testing

/// PDFs signed by an outside signer (pyHanko) with a certificate from a CA the office trusts.
@Suite struct LegalInspectorTests {
    let pki: TestPKI
    let signer: TestSigner
    let directory = TemporaryDirectory()

    init() throws {
        pki = try TestPKI()
        signer = try pki.signer(
            code: "000.00.00.H53", name: "Nguyễn Văn A", algorithm: .rsa(bits: 2048), namesAgency: false)
    }

    func pdf(_ arguments: [String]) throws {
        let result = try ProcessRunner.run("python3", [Project.file("Tests/Tools/pdfsign.py")] + arguments)
        guard result.status == 0 else { throw ProcessError.failed("pdfsign.py \(arguments.first ?? "")", result) }
    }

    func inspect(_ name: String, trust: TrustStore? = nil) throws -> DocumentLegality {
        LegalInspector(trust: try trust ?? TrustStore(anchors: [pki.authority.certificate])).inspect(
            path: directory.file(name), name: name)
    }

    @Test func aPDFSignedWithPyHankoIsSignedWithTheSignersName() throws {
        try pdf(["plain", directory.file("plain.pdf")])
        try pdf([
            "sign", directory.file("plain.pdf"), directory.file("signed.pdf"), signer.keyPath, signer.certificatePath,
            pki.rootPath,
        ])
        let legality = try inspect("signed.pdf")
        #expect(legality.status == .signed, "\(legality)")
        #expect(legality.signer == "Nguyễn Văn A")
        #expect(legality.signatures.count == 1 && legality.signatures[0].signedAt != nil)
        #expect(legality.mark == "CÓ GIÁ TRỊ PHÁP LÝ")
    }

    @Test func theSamePDFAlteredAfterSigningIsForReferenceOnly() throws {
        try pdf(["plain", directory.file("plain.pdf")])
        try pdf([
            "sign", directory.file("plain.pdf"), directory.file("signed.pdf"), signer.keyPath, signer.certificatePath,
        ])
        try pdf(["flip", directory.file("signed.pdf"), directory.file("flipped.pdf")])
        let flipped = try inspect("flipped.pdf")
        #expect(
            flipped.status == .referenceOnly && flipped.reason?.vi == "Văn bản đã bị sửa sau khi ký số.", "\(flipped)")
        #expect(flipped.mark == "CHỈ CÓ GIÁ TRỊ THAM KHẢO")
        try pdf(["append", directory.file("signed.pdf"), directory.file("appended.pdf")])
        let appended = try inspect("appended.pdf")
        #expect(
            appended.status == .referenceOnly && appended.reason?.en == "The document was altered after it was signed.",
            "\(appended)")
    }

    @Test func anUnsignedPDFAndOtherFilesAreForReferenceOnly() throws {
        try pdf(["plain", directory.file("plain.pdf")])
        let plain = try inspect("plain.pdf")
        #expect(plain.status == .referenceOnly && plain.reason?.vi == "Văn bản không có chữ ký số.")
        try directory.write("phụ lục.docx", "PK")
        #expect(try inspect("phụ lục.docx").status == .referenceOnly)
    }

    @Test func aSignatureFromAnUntrustedCAIsNotLegallyValid() throws {
        try pdf(["plain", directory.file("plain.pdf")])
        try pdf([
            "sign", directory.file("plain.pdf"), directory.file("signed.pdf"), signer.keyPath, signer.certificatePath,
        ])
        let stranger = try TestPKI(name: "Other CA")
        let legality = try inspect("signed.pdf", trust: try TrustStore(anchors: [stranger.authority.certificate]))
        #expect(legality.status == .referenceOnly && legality.reason?.en.contains("not trusted") == true, "\(legality)")
    }
}
