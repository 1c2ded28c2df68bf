import Foundation
import TestSupport
import Testing

/// The README's first steps on a fresh spool: init --demo, pack as one demo agency, verify against the spool.
@Suite struct DemoRoundTripTests {
    @Test func initPackVerifyOnADemoSpool() throws {
        let directory = TemporaryDirectory()
        let spool = directory.file("Spool")
        let initialised = try CLI.lienthong(["init", "--spool", spool, "--demo"])
        #expect(initialised.status == 0 && initialised.stdout.contains("for testing only"), "\(initialised.output)")
        let code = "000.00.00.H53"
        let packet = directory.file("P.tar")
        let packed = try PackInput.make(in: directory).pack(
            from: code, key: "\(spool)/state/keys/\(code).pem", cert: "\(spool)/agencies/\(code)/certificate.pem",
            to: packet)
        #expect(packed.status == 0, "\(packed.output)")
        let verified = try CLI.lienthong(["verify", packet, "--spool", spool])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.stdout.contains("Ủy ban nhân dân tỉnh Thái Bình"))

        // Another demo agency's registered certificate is not this sender's.
        let other = "000.00.03.H53"
        let impostor = directory.file("impostor.tar")
        try CLI.tamper([
            "resign", packet, impostor, "\(spool)/state/keys/\(other).pem",
            "\(spool)/agencies/\(other)/certificate.pem",
        ])
        let (status, reason, _) = try CLI.verifyReason(impostor, ["--spool", spool])
        #expect(status == 1 && reason == "signer-not-sender")

        // A packet from outside the spool's trust is refused.
        let rogue = try TestPKI()
        let signer = try rogue.signer(code: code, name: "UBND")
        let foreign = directory.file("foreign.tar")
        #expect(
            try PackInput.make(in: directory, label: "f").pack(
                from: code, key: signer.keyPath, cert: signer.certificatePath, to: foreign
            ).status == 0)
        #expect(try CLI.verifyReason(foreign, ["--spool", spool]).code == "untrusted-signer")
    }
}
