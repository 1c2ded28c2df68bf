import Foundation
import Signing
import TestSupport
import Testing

/// Legal value through the office: PDFs signed by an outside signer (pyHanko) with a personal certificate from a
/// CA the office trusts arrive marked "CÓ GIÁ TRỊ PHÁP LÝ" with the signer's name; altered or unsigned ones
/// arrive marked "CHỈ CÓ GIÁ TRỊ THAM KHẢO" with the reason; the registration records each.
@Suite struct LegalValueTests {
    @Test func signedAlteredAndUnsignedPDFsAreJudgedOnArrival() throws {
        let spool = try OfficeSpool(label: "legal")
        let work = spool.directory
        // A personal signing certificate for the province's chairman, from the spool's (demo) CA.
        let authority = CertificateAuthority(
            key: try PrivateKey.load(path: spool.root + "/state/demo-ca/ca-key.pem", passphrase: nil),
            certificate: try Certificate.load(path: spool.root + "/trust/ca/lienthong-demo-root-ca.pem")[0])
        let key = try PrivateKey.generate(.rsa(bits: 2048))
        let certificate = try authority.issue(
            subject: DistinguishedName([("C", "VN"), ("O", "UBND tỉnh Thái Bình"), ("CN", "Nguyễn Văn A")]),
            subjectKey: key, validFrom: Date().addingTimeInterval(-86_400),
            validUntil: Date().addingTimeInterval(86_400 * 365))
        let keyPath = try work.write("chairman.key", try key.pem(), mode: 0o600)
        let certPath = try work.write("chairman.pem", certificate.pem)
        func pdf(_ arguments: [String]) throws {
            let result = try ProcessRunner.run("python3", [Project.file("Tests/Tools/pdfsign.py")] + arguments)
            guard result.status == 0 else { throw ProcessError.failed("pdfsign.py", result) }
        }
        try pdf(["plain", work.file("plain.pdf")])
        try pdf(["sign", work.file("plain.pdf"), work.file("signed.pdf"), keyPath, certPath])
        try pdf(["flip", work.file("signed.pdf"), work.file("altered.pdf")])

        let outbox = spool.outbox()
        for (name, number) in [("signed", "1"), ("altered", "2"), ("plain", "3")] {
            try FileManager.default.copyItem(atPath: work.file("\(name).pdf"), toPath: outbox + "/\(name).pdf")
            try Fixtures.sidecar(to: ["000.00.01.H53"], number: number).write(
                toFile: outbox + "/\(name).json", atomically: true, encoding: .utf8)
        }
        let result = try spool.once()
        #expect(result.status == 0, "\(result.output)")
        let inbox = spool.inbox("000.00.01.H53")
        var notices: [String: String] = [:]
        for folder in spool.visible(inbox) {
            let notice = try String(
                contentsOfFile: inbox + "/\(folder)/GIÁ TRỊ PHÁP LÝ.txt".precomposedStringWithCanonicalMapping,
                encoding: .utf8)
            let name = spool.visible(inbox + "/" + folder).first { $0.hasSuffix(".pdf") } ?? ""
            notices[name] = notice
        }
        #expect(
            notices["signed.pdf"]?.contains("signed.pdf: CÓ GIÁ TRỊ PHÁP LÝ — ký số bởi Nguyễn Văn A") == true,
            "\(notices)")
        #expect(
            notices["altered.pdf"]?.contains("altered.pdf: CHỈ CÓ GIÁ TRỊ THAM KHẢO — Văn bản đã bị sửa sau khi ký số.")
                == true, "\(notices)")
        #expect(
            notices["plain.pdf"]?.contains("plain.pdf: CHỈ CÓ GIÁ TRỊ THAM KHẢO — Văn bản không có chữ ký số.") == true,
            "\(notices)")
        // The registration records the signer, the time and the result.
        let registered = spool.journal().filter { ($0["event"] as? String) == "registered" }
        let documents = registered.flatMap { ($0["documents"] as? [[String: Any]]) ?? [] }
        let signed = try #require(documents.first { ($0["name"] as? String) == "signed.pdf" })
        #expect(
            signed["status"] as? String == "signed" && signed["signer"] as? String == "Nguyễn Văn A"
                && signed["signedAt"] != nil)
        #expect(documents.first { ($0["name"] as? String) == "altered.pdf" }?["status"] as? String == "reference-only")
        #expect(
            documents.first { ($0["name"] as? String) == "plain.pdf" }?["reason"] as? String
                == "The document has no digital signature.")
    }
}
