import Foundation
import TestSupport
import Testing

/// `lienthong verify` on the built binary: exit 0 on a good packet, 1 with one specific reason for each way a
/// packet can be damaged. Damaged packets are made with Python's tarfile and the openssl program.
@Suite struct VerifyCommandTests {
    let directory = TemporaryDirectory()
    let pki: TestPKI
    let sender: TestSigner
    let packet: String
    static let code = "000.00.00.H53"

    init() throws {
        pki = try TestPKI()
        sender = try pki.signer(code: Self.code, name: "Ủy ban nhân dân tỉnh Thái Bình")
        packet = directory.file("good.tar")
        let packed = try PackInput.make(in: directory).pack(
            from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: packet)
        guard packed.status == 0 else { throw ProcessError.spawn("pack: \(packed.output)", packed.status) }
    }

    func expectReason(
        _ path: String, _ code: String, trust: [String]? = nil, extra: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (status, reason, report) = try CLI.verifyReason(path, ["--trust", pki.rootPath] + extra)
        #expect(status == 1, "exit status", sourceLocation: sourceLocation)
        #expect(reason == code, "\(report)", sourceLocation: sourceLocation)
        let human = try CLI.lienthong(["verify", path, "--trust", pki.rootPath] + extra)
        #expect(
            human.status == 1 && human.stdout.contains("KHÔNG HỢP LỆ / INVALID") && human.stdout.contains("[\(code)]"),
            "\(human.output)", sourceLocation: sourceLocation)
    }

    @Test func aGoodPacketIsValid() throws {
        let (status, reason, report) = try CLI.verifyReason(packet, ["--trust", pki.rootPath])
        #expect(status == 0 && reason == nil, "\(report)")
        #expect(report["valid"] as? Bool == true)
    }

    @Test func aFlippedPayloadByte() throws {
        let out = directory.file("flipped.tar")
        try CLI.tamper(["flip-payload", packet, out])
        try expectReason(out, "payload-changed")
    }

    @Test func editedMetadata() throws {
        let out = directory.file("edited.tar")
        try CLI.tamper(["edit-metadata", packet, out])
        try expectReason(out, "metadata-edited")
    }

    @Test func aSwappedSignature() throws {
        let other = directory.file("other.tar")
        let input = try PackInput.make(in: directory, sidecar: Fixtures.sidecar(number: "126"), label: "other")
        #expect(
            try input.pack(from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: other).status == 0)
        let out = directory.file("swapped.tar")
        try CLI.tamper(["swap-signature", packet, other, out])
        try expectReason(out, "signature-replaced")
    }

    @Test func aSignerFromAnotherCA() throws {
        let stranger = try TestPKI(name: "Rogue CA")
        let rogue = try stranger.signer(code: Self.code, name: "Ủy ban nhân dân tỉnh Thái Bình")
        let out = directory.file("rogue.tar")
        #expect(
            try PackInput.make(in: directory, label: "rogue").pack(
                from: Self.code, key: rogue.keyPath, cert: rogue.certificatePath, to: out
            ).status == 0)
        try expectReason(out, "untrusted-signer")
    }

    @Test func aSignerWhoIsNotTheStatedSender() throws {
        // Another agency's genuine key re-signs a packet that claims to come from this one.
        let other = try pki.signer(code: "000.00.03.H53", name: "Ủy ban nhân dân huyện Đông Hưng")
        let out = directory.file("impostor.tar")
        try CLI.tamper(["resign", packet, out, other.keyPath, other.certificatePath])
        try expectReason(out, "signer-not-sender")
        // And the CLI will not sign for an agency with another agency's certificate in the first place.
        let refused = try PackInput.make(in: directory, label: "impostor").pack(
            from: Self.code, key: other.keyPath, cert: other.certificatePath, to: directory.file("never.tar"))
        #expect(refused.status == 1 && refused.stderr.contains("belongs to 000.00.03.H53"), "\(refused.output)")
    }

    @Test func anExpiredCertificate() throws {
        let expired = try pki.signer(
            code: Self.code, name: "Ủy ban nhân dân tỉnh Thái Bình",
            validFrom: Date().addingTimeInterval(-400 * 86_400), validUntil: Date().addingTimeInterval(-30 * 86_400))
        let out = directory.file("expired.tar")
        try CLI.tamper(["resign", packet, out, expired.keyPath, expired.certificatePath])
        try expectReason(out, "certificate-expired")
    }

    @Test func aRevokedCertificate() throws {
        let crl = try pki.revocationList(revoking: [sender.certificate])
        try expectReason(packet, "certificate-revoked", extra: ["--crl", crl])
        // The same packet is valid against a list that does not name its signer.
        let other = try pki.signer(code: "000.00.09.H53", name: "X")
        let (status, _, report) = try CLI.verifyReason(
            packet, ["--trust", pki.rootPath, "--crl", try pki.revocationList(revoking: [other.certificate])])
        #expect(status == 0, "\(report)")
    }

    @Test(arguments: [
        ("dotdot", "parent-reference"), ("absolute", "absolute-path"), ("symlink", "link-entry"),
        ("duplicate", "duplicate-entry"),
    ])
    func aHostileEntry(_ kind: String, _ code: String) throws {
        let out = directory.file("\(kind).tar")
        try CLI.tamper(["add", packet, out, kind])
        try expectReason(out, code)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/lienthong-evil.txt"))
    }

    @Test func aTruncatedArchive() throws {
        let out = directory.file("truncated.tar")
        try CLI.tamper(["truncate", packet, out])
        try expectReason(out, "truncated-archive")
    }

    @Test func aFileThatIsNotAnArchive() throws {
        let out = try directory.write(
            "letter.tar", "Kính gửi: Sở Nội vụ tỉnh Thái Bình\n" + String(repeating: "Nội dung công văn. ", count: 200))
        try expectReason(out, "not-an-archive")
        let pdf = try directory.write("scan.zip", "%PDF-1.7\n" + String(repeating: "x", count: 3000))
        try expectReason(pdf, "not-an-archive")
    }

    @Test func anArchiveOf100000TinyEntries() throws {
        let out = directory.file("bomb.tar")
        try CLI.tamper(["many", out, "100000"])
        try expectReason(out, "too-many-entries")
    }

    @Test func usageErrorsAndUnreadableFilesExitWith2() throws {
        let missing = try CLI.lienthong(["verify", directory.file("nope.tar"), "--trust", pki.rootPath])
        #expect(missing.status == 2, "\(missing.output)")
        let noTrust = try CLI.lienthong(["verify", packet])
        #expect(noTrust.status == 2 && noTrust.stderr.contains("--trust"), "\(noTrust.output)")
        let unknownOption = try CLI.lienthong(["verify", packet, "--trust", pki.rootPath, "--frobnicate"])
        #expect(unknownOption.status == 2, "\(unknownOption.output)")
        let help = try CLI.lienthong(["verify", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--trust"), "\(help.output)")
    }
}
