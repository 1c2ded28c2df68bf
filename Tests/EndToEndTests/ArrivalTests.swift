import Foundation
import Signing
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Packets placed into an inbox from outside go through the same receiving check as local deliveries: a good one
/// lands, is registered and acknowledged; each kind of damaged one is refused with its own reason, the sender is
/// told (02) where the packet names it, and nothing of it is extracted anywhere.
@Suite struct ArrivalTests {
    static let sender = "000.00.00.H53"
    static let recipient = "000.00.01.H53"

    /// A signer issued by the spool's demo CA (so the chain is trusted) with any validity.
    func demoSigner(_ spool: OfficeSpool, code: String, from: Date, until: Date) throws -> (
        key: String, cert: String, certificate: Certificate
    ) {
        let authority = CertificateAuthority(
            key: try PrivateKey.load(path: spool.root + "/state/demo-ca/ca-key.pem", passphrase: nil),
            certificate: try Certificate.load(path: spool.root + "/trust/ca/lienthong-demo-root-ca.pem")[0])
        let key = try PrivateKey.generate(.ecP256)
        let certificate = try authority.issue(
            subject: DistinguishedName([("C", "VN"), ("O", "UBND"), ("UID", code), ("CN", "UBND")]),
            subjectKey: key, validFrom: from, validUntil: until)
        let stem = spool.directory.file("signer-\(UUID().uuidString.prefix(6))")
        try spool.directory.write((stem as NSString).lastPathComponent + ".key", try key.pem(), mode: 0o600)
        try spool.directory.write((stem as NSString).lastPathComponent + ".pem", certificate.pem)
        return (stem + ".key", stem + ".pem", certificate)
    }

    @Test func tamperedPacketsPlacedInAnInboxAreEachRefusedWithTheirReason() throws {
        let spool = try OfficeSpool(label: "arrivals")
        let work = spool.directory
        let good = work.file("good.tar")
        let input = try PackInput.make(in: work, sidecar: Fixtures.sidecar(to: [Self.recipient]))
        let packed = try input.pack(
            from: Self.sender, key: spool.root + "/state/keys/\(Self.sender).pem",
            cert: spool.root + "/agencies/\(Self.sender)/certificate.pem", to: good)
        #expect(packed.status == 0, "\(packed.output)")
        let now = Date()
        let expired = try demoSigner(
            spool, code: Self.sender, from: now.addingTimeInterval(-400 * 86_400),
            until: now.addingTimeInterval(-86_400))
        let future = try demoSigner(
            spool, code: Self.sender, from: now.addingTimeInterval(86_400 * 30),
            until: now.addingTimeInterval(86_400 * 400))
        let revoked = try demoSigner(
            spool, code: Self.sender, from: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(86_400 * 400)
        )
        let authority = CertificateAuthority(
            key: try PrivateKey.load(path: spool.root + "/state/demo-ca/ca-key.pem", passphrase: nil),
            certificate: try Certificate.load(path: spool.root + "/trust/ca/lienthong-demo-root-ca.pem")[0])
        let crl = try authority.revocationList(
            revoked: [(revoked.certificate, now.addingTimeInterval(-3600))],
            thisUpdate: now.addingTimeInterval(-60), nextUpdate: now.addingTimeInterval(86_400))
        try crl.pem.write(
            toFile: spool.root + "/trust/crl/lienthong-demo-root-ca.crl.pem", atomically: true, encoding: .utf8)
        let roguePKI = try TestPKI(name: "Rogue CA")  // kept alive: its folder holds the rogue key
        let rogue = try roguePKI.signer(code: Self.sender, name: "UBND")
        let other = Self.other(spool)

        // Each case: a packet file name, how it is made, and the reason expected.
        var cases: [(String, String)] = []
        func make(_ name: String, _ reason: String, _ arguments: [String]) throws {
            try CLI.tamper(arguments.map { $0 == "OUT" ? work.file(name) : $0 })
            cases.append((name, reason))
        }
        try make("flipped.tar", "payload-changed", ["flip-payload", good, "OUT"])
        try make("edited.tar", "metadata-edited", ["edit-metadata", good, "OUT"])
        let second = work.file("second.tar")
        #expect(
            try PackInput.make(
                in: work, sidecar: Fixtures.sidecar(to: [Self.recipient], number: "126"), label: "second"
            )
            .pack(
                from: Self.sender, key: spool.root + "/state/keys/\(Self.sender).pem",
                cert: spool.root + "/agencies/\(Self.sender)/certificate.pem", to: second
            ).status == 0)
        try make("swapped.tar", "signature-replaced", ["swap-signature", good, second, "OUT"])
        try make("rogue.tar", "untrusted-signer", ["resign", good, "OUT", rogue.keyPath, rogue.certificatePath])
        try make("impostor.tar", "signer-not-sender", ["resign", good, "OUT", other.key, other.cert])
        try make("expired.tar", "certificate-expired", ["resign", good, "OUT", expired.key, expired.cert])
        try make("future.tar", "certificate-not-yet-valid", ["resign", good, "OUT", future.key, future.cert])
        try make("revoked.tar", "certificate-revoked", ["resign", good, "OUT", revoked.key, revoked.cert])
        try make("zipslip.tar", "parent-reference", ["add", good, "OUT", "dotdot"])
        try make("symlink.tar", "link-entry", ["add", good, "OUT", "symlink"])
        try make("absolute.tar", "absolute-path", ["add", good, "OUT", "absolute"])
        try make("duplicate.tar", "duplicate-entry", ["add", good, "OUT", "duplicate"])
        try make("truncated.tar", "truncated-archive", ["truncate", good, "OUT"])
        try make("bomb.tar", "too-many-entries", ["many", "OUT", "20000"])
        try work.write("letter.zip", "Kính gửi: Văn phòng\n" + String(repeating: "x", count: 3000))
        cases.append(("letter.zip", "not-an-archive"))

        let inbox = spool.inbox(Self.recipient)
        for (name, _) in cases { try FileManager.default.copyItem(atPath: work.file(name), toPath: inbox + "/" + name) }
        try FileManager.default.copyItem(atPath: good, toPath: inbox + "/tốt.tar")
        let result = try spool.once()
        #expect(result.status == 0, "\(result.output)")

        // The good one landed, was archived, registered as arrival number 1, and acknowledged (01, 03).
        let landed = spool.visible(inbox)
        #expect(landed.count == 1, "\(landed)")
        let id = try #require(landed.first)
        #expect(
            Set(spool.visible(inbox + "/" + id))
                == Set([
                    "Quyết định 125.pdf", "Phụ lục 50% kinh phí.docx", "metadata.json",
                    "metadata.json.p7s", "\(id).tar", "GIÁ TRỊ PHÁP LÝ.txt".precomposedStringWithCanonicalMapping,
                ]))
        #expect(spool.archived()[id] != nil)
        let registered = spool.journal().filter { ($0["event"] as? String) == "registered" }
        #expect(registered.count == 1 && (registered.first?["number"] as? Int) == 1)
        let statusFolder = spool.root + "/agencies/\(Self.sender)/status"
        let statuses = spool.visible(statusFolder)
        #expect(
            statuses.contains("\(id) \(Self.recipient) 01.xml") && statuses.contains("\(id) \(Self.recipient) 03.xml"),
            "\(statuses)")

        // Every damaged one is in rejected/, with its own reason, and nothing of it anywhere else.
        let rejected = spool.rejected(Self.recipient)
        for (name, reason) in cases {
            #expect(FileManager.default.fileExists(atPath: rejected + "/" + name), "\(name) not in rejected/")
            let note = (try? String(contentsOfFile: rejected + "/" + name + ".reason.txt", encoding: .utf8)) ?? ""
            #expect(note.contains("code: \(reason)"), "\(name): \(note)")
            #expect(note.contains("KHÔNG TIẾP NHẬN GÓI TIN"))
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: inbox + "/.lienthong/staging")) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: inbox + "/.lienthong/arriving")) ?? []).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/lienthong-evil.txt"))
        // 02 to the sender wherever the packet could be read far enough to name it.
        let refusals = statuses.filter { $0.contains(" \(Self.recipient) 02") }
        #expect(refusals.count >= 8, "\(statuses)")
        let refusedRecords = spool.journal().filter { ($0["event"] as? String) == "refused" }
        #expect(refusedRecords.count == cases.count)
        #expect(try spool.verifyJournal().status == 0)
    }

    @Test func theSamePacketPlacedTwiceIsReceivedOnce() throws {
        let spool = try OfficeSpool(label: "twice")
        let good = spool.directory.file("good.tar")
        #expect(
            try PackInput.make(in: spool.directory, sidecar: Fixtures.sidecar(to: [Self.recipient]))
                .pack(
                    from: Self.sender, key: spool.root + "/state/keys/\(Self.sender).pem",
                    cert: spool.root + "/agencies/\(Self.sender)/certificate.pem", to: good
                ).status == 0)
        try FileManager.default.copyItem(atPath: good, toPath: spool.inbox(Self.recipient) + "/a.tar")
        #expect(try spool.once().status == 0)
        try FileManager.default.copyItem(atPath: good, toPath: spool.inbox(Self.recipient) + "/b.tar")
        #expect(try spool.once().status == 0)
        #expect(spool.visible(spool.inbox(Self.recipient)).count == 1)
        let note =
            (try? String(contentsOfFile: spool.rejected(Self.recipient) + "/b.tar.reason.txt", encoding: .utf8)) ?? ""
        #expect(note.contains("already-received") && note.contains("(số đến 1)"), "\(note)")
        #expect(note.contains("GÓI TIN ĐỂ RIÊNG") && note.contains("bản trùng"), "\(note)")
        // A copy is not the sender's fault: no refusal (02) goes back, and the document stays registered once.
        let statuses = spool.visible(spool.root + "/agencies/\(Self.sender)/status")
        #expect(!statuses.contains { $0.hasSuffix(" 02.xml") }, "\(statuses)")
        #expect(spool.journal().filter { ($0["event"] as? String) == "registered" }.count == 1)
        #expect(spool.journal().filter { ($0["event"] as? String) == "refused" }.isEmpty)
    }

    @Test func aPacketForAnotherAgencyIsSetAsideNotRegistered() throws {
        let spool = try OfficeSpool(label: "misaddressed")
        let packet = spool.directory.file("for-02.tar")
        // Valid and signed, but addressed to 000.00.02.H53 only; a secret one, so opening it by mistake matters.
        let sidecar = Fixtures.sidecar(to: ["000.00.02.H53"]).replacingOccurrences(
            of: "\"priority\"", with: "\"secrecy\": \"mat\", \"priority\"")
        #expect(
            try PackInput.make(in: spool.directory, sidecar: sidecar)
                .pack(
                    from: Self.sender, key: spool.root + "/state/keys/\(Self.sender).pem",
                    cert: spool.root + "/agencies/\(Self.sender)/certificate.pem", to: packet
                ).status == 0)
        try FileManager.default.copyItem(atPath: packet, toPath: spool.inbox(Self.recipient) + "/lạc.tar")
        #expect(try spool.once().status == 0)
        #expect(spool.visible(spool.inbox(Self.recipient)).isEmpty, "nothing extracted into the wrong inbox")
        let note =
            (try? String(contentsOfFile: spool.rejected(Self.recipient) + "/lạc.tar.reason.txt", encoding: .utf8)) ?? ""
        #expect(note.contains("code: not-addressed-here") && note.contains("không gửi cho cơ quan này"), "\(note)")
        #expect(spool.journal().filter { ($0["event"] as? String) == "registered" }.isEmpty)
        #expect(
            !FileManager.default.fileExists(atPath: spool.root + "/agencies/\(Self.sender)/status"),
            "no status from a non-recipient")
    }

    /// Another demo agency's genuine key and certificate.
    static func other(_ spool: OfficeSpool) -> (key: String, cert: String) {
        (spool.root + "/state/keys/000.00.03.H53.pem", spool.root + "/agencies/000.00.03.H53/certificate.pem")
    }
}
