import Doctor
import Foundation
import Ledger
import Packets
import Signing
import Spool
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DoctorTests {
    let noMounts = DoctorSettings(fstab: "/nonexistent", mountInfo: "/nonexistent")

    func settings(now: Date) -> DoctorSettings {
        var settings = noMounts
        settings.now = now
        return settings
    }

    @Test func aFreshDemoSpoolIsHealthy() throws {
        let spool = try DemoSpool()
        let report = try spool.report()
        #expect(DemoSpool.problems(report).isEmpty, "\(report.text)")
        #expect(report.exitStatus == 0 || report.errors.allSatisfy { $0.check == "disk" })
        let codes = Set(report.findings.map(\.code))
        for code in ["office-config", "agency-config", "state-mode", "key-mode", "certificate", "ca", "crl"] {
            #expect(codes.contains(code), "\(code) missing from \(codes.sorted())")
        }
    }

    @Test func notASpool() throws {
        let directory = TemporaryDirectory()
        #expect(throws: NotASpool.self) { try Doctor(spool: SpoolLayout(root: directory.file("nothing"))).run() }
        #expect(throws: NotASpool.self) { try Doctor(spool: SpoolLayout(root: directory.path)).run() }
    }

    @Test func openModesAreErrors() throws {
        let spool = try DemoSpool()
        chmod(spool.layout.state, 0o755)
        chmod(spool.layout.keys + "/\(DemoSpool.agency).pem", 0o644)
        let report = try spool.report()
        let problems = DemoSpool.problems(report)
        #expect(problems.contains { $0.code == "state-mode" && $0.severity == .error && $0.subject == "state/" })
        #expect(
            problems.contains {
                $0.code == "key-mode" && $0.severity == .error && $0.subject == "state/keys/\(DemoSpool.agency).pem"
                    && $0.message.vi.contains("0644") && $0.message.action.contains("chmod 600")
            })
        #expect(report.exitStatus == 1)
    }

    @Test func aKeyOwnedByAnotherUserIsAnError() throws {
        guard geteuid() == 0 else { return }  // only root can give a file away
        let spool = try DemoSpool()
        chown(spool.layout.keys + "/\(DemoSpool.agency).pem", 65534, 65534)
        let problems = DemoSpool.problems(try spool.report())
        #expect(problems.map(\.code) == ["key-owner"], "\(problems)")
    }

    @Test func aMissingKeyIsAnError() throws {
        let spool = try DemoSpool()
        unlink(spool.layout.keys + "/\(DemoSpool.agency).pem")
        let problems = DemoSpool.problems(try spool.report())
        #expect(problems.map(\.code) == ["key-missing"], "\(problems)")
    }

    @Test func anAgencyWaitingForItsCertificateIsAWarningThatSaysWhatToDo() throws {
        let spool = try DemoSpool()
        try FileManager.default.removeItem(atPath: spool.root + "/agencies/\(DemoSpool.agency)/certificate.pem")
        try spool.addLine("certificateRequest: state/requests/\(DemoSpool.agency).csr.pem")
        let problems = DemoSpool.problems(try spool.report())
        #expect(problems.map(\.code) == ["certificate-requested"], "\(problems)")
        #expect(problems.first?.severity == .warning)
        #expect(problems.first?.message.action.contains("lienthong cert rotate \(DemoSpool.agency)") == true)
    }

    @Test func certificatesExpiringExpiredAndNotYetValid() throws {
        let spool = try DemoSpool()
        // The demo certificates are valid for two years from an hour ago; its CRL for a year.
        let soon = try spool.report(settings(now: Date().addingTimeInterval(2 * 365 * 86_400 - 10 * 86_400)))
        let expiring = soon.findings.filter { $0.code == "certificate-expiring" }
        #expect(expiring.count == 4)
        #expect(expiring.allSatisfy { $0.severity == .warning && $0.message.en.contains("in 9 days") })
        #expect(soon.findings.contains { $0.code == "crl-expired" && $0.severity == .error })

        let late = try spool.report(settings(now: Date().addingTimeInterval(3 * 365 * 86_400)))
        #expect(late.findings.filter { $0.code == "certificate-expired" && $0.severity == .error }.count == 4)

        let early = try spool.report(settings(now: Date().addingTimeInterval(-2 * 3600)))
        #expect(early.findings.filter { $0.code == "certificate-not-yet-valid" }.count == 4)

        var wider = settings(now: Date())
        wider.expiryWarning = 3 * 365 * 86_400
        #expect(try spool.report(wider).findings.filter { $0.code == "certificate-expiring" }.count == 4)
    }

    @Test func aCertificateFromAnotherCAIsUntrusted() throws {
        let spool = try DemoSpool()
        let pki = try TestPKI()
        let signer = try pki.signer(code: DemoSpool.agency, name: "Văn phòng")
        let yaml = "name: Văn phòng\ncertificate: \(signer.certificatePath)\nkey: \(signer.keyPath)\n"
        try yaml.write(
            toFile: spool.root + "/agencies/\(DemoSpool.agency)/agency.yaml", atomically: true, encoding: .utf8)
        let problems = DemoSpool.problems(try spool.report())
        #expect(Set(problems.map(\.code)) == ["certificate-untrusted", "key-outside-state"], "\(problems)")
    }

    @Test func aKeyOfAnotherCertificateIsAnError() throws {
        let spool = try DemoSpool()
        let other = spool.layout.keys + "/000.00.02.H53.pem"
        let yamlPath = spool.root + "/agencies/\(DemoSpool.agency)/agency.yaml"
        let text = try String(contentsOfFile: yamlPath, encoding: .utf8)
            .replacingOccurrences(of: "key: state/keys/\(DemoSpool.agency).pem", with: "key: \(other)")
        try text.write(toFile: yamlPath, atomically: true, encoding: .utf8)
        let problems = DemoSpool.problems(try spool.report())
        #expect(problems.map(\.code) == ["key-certificate-mismatch"], "\(problems)")
    }

    @Test func revocationListsAreVerifiedAgainstTheirCA() throws {
        let spool = try DemoSpool()
        // A CA with the demo CA's very name but another key: its list must not pass for the demo CA's.
        let demoCA = try #require(
            try Certificate.load(path: spool.layout.trustAnchors + "/lienthong-demo-root-ca.pem").first)
        let impostor = try CertificateAuthority.makeRoot(
            subject: demoCA.subject, key: try PrivateKey.generate(.ecP256),
            validFrom: Date().addingTimeInterval(-86_400), validUntil: Date().addingTimeInterval(86_400))
        let forged = try impostor.revocationList(
            revoked: [], thisUpdate: Date().addingTimeInterval(-60), nextUpdate: Date().addingTimeInterval(86_400))
        try forged.pem.write(toFile: spool.layout.revocationLists + "/forged.pem", atomically: true, encoding: .utf8)
        let unknown = try TestPKI().authority.revocationList(
            revoked: [], thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(86_400))
        try unknown.pem.write(toFile: spool.layout.revocationLists + "/unknown.crl", atomically: true, encoding: .utf8)
        try "not a CRL".write(toFile: spool.layout.revocationLists + "/broken.pem", atomically: true, encoding: .utf8)
        // A list past its nextUpdate, properly signed by the demo CA.
        let key = try PrivateKey.load(path: spool.layout.demoAuthority + "/ca-key.pem", passphrase: nil)
        let stale = try CertificateAuthority(key: key, certificate: demoCA)
            .revocationList(
                revoked: [], thisUpdate: Date().addingTimeInterval(-10 * 86_400),
                nextUpdate: Date().addingTimeInterval(-86_400))
        try stale.pem.write(toFile: spool.layout.revocationLists + "/stale.pem", atomically: true, encoding: .utf8)

        let problems = DemoSpool.problems(try spool.report()).filter { $0.check == "trust" }
        let bySubject = Dictionary(problems.map { ($0.subject, $0.code) }, uniquingKeysWith: { $0 + "," + $1 })
        #expect(
            bySubject == [
                "trust/crl/forged.pem": "crl-signature-invalid", "trust/crl/unknown.crl": "crl-issuer-unknown",
                "trust/crl/broken.pem": "crl-unreadable", "trust/crl/stale.pem": "crl-expired",
            ], "\(problems)")
    }

    @Test func configuredInboxes() throws {
        let spool = try DemoSpool()
        let elsewhere = spool.directory.file("mnt")
        try FileManager.default.createDirectory(atPath: elsewhere + "/snv", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere + "/vp/inbox", withIntermediateDirectories: true)
        try "x".write(toFile: elsewhere + "/file", atomically: true, encoding: .utf8)
        try spool.addLine("inbox: \(elsewhere)/missing/inbox", to: "000.00.00.H53")
        try spool.addLine("inbox: \(elsewhere)/vp/inbox", to: "000.00.01.H53")
        try spool.addLine("inbox: \(elsewhere)/snv", to: "000.00.02.H53")
        try spool.addLine("inbox: \(elsewhere)/file", to: "000.00.03.H53")
        let fstab = try spool.directory.write(
            "fstab", "# comment\n//server/snv \(elsewhere)/snv cifs credentials=/etc/x 0 0\n")
        var settings = noMounts
        settings.fstab = fstab
        let inboxes = try spool.report(settings).findings.filter { $0.check == "inboxes" }
        let codes = Dictionary(
            inboxes.map { (String($0.subject.prefix(13)), $0.code) }, uniquingKeysWith: { $0 + "," + $1 })
        #expect(
            codes == [
                "000.00.00.H53": "inbox-missing", "000.00.01.H53": "inbox", "000.00.02.H53": "inbox-not-mounted",
                "000.00.03.H53": "inbox-not-directory",
            ], "\(inboxes)")
        #expect(inboxes.first { $0.code == "inbox-not-mounted" }?.severity == .error)
        // The probe file is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere + "/vp/inbox").isEmpty)
    }

    @Test func configurationErrorsNameTheirLine() throws {
        let spool = try DemoSpool()
        try spool.addLine("inbx: /mnt/x")
        try "watch:\n  mode: sometimes\n".write(toFile: spool.layout.officeConfig, atomically: true, encoding: .utf8)
        let problems = DemoSpool.problems(try spool.report())
        let agency = try #require(problems.first { $0.code == "agency-config-invalid" })
        #expect(agency.subject.hasPrefix("agencies/\(DemoSpool.agency)/agency.yaml:"))
        #expect(agency.subject.split(separator: ":").count == 3)
        #expect(agency.message.en.contains("unknown key inbx"))
        let office = try #require(problems.first { $0.code == "office-config-invalid" })
        #expect(office.subject == "office.yaml:2:9")
    }

    @Test func aDamagedJournalLineAndAClockSetBack() throws {
        let spool = try DemoSpool()
        let path = spool.layout.state + "/journal.jsonl"
        let journal = try Journal(path: path)
        for number in 1...4 {
            try journal.append(packed(number))
        }
        let index = try LedgerIndex(path: spool.layout.state + "/index.sqlite")
        try index.catchUp(with: journal)
        #expect(DemoSpool.problems(try spool.report()).isEmpty)

        var behind = settings(now: Date().addingTimeInterval(-3600))
        behind.expiryWarning = 0
        let clock = try spool.report(behind).findings.filter { $0.check == "journal" && $0.severity != .ok }
        #expect(clock.map(\.code).contains("clock-behind"))

        // One byte of line 2 changed (packet 2 → packet 9): line 3 no longer carries line 2's hash.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let lines = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        let text = String(decoding: bytes[(lines[0] + 1)..<lines[1]], as: UTF8.self)
        let found = try #require(text.range(of: "\"\(packetID(2).rawValue.prefix(18))"))
        let offset = text.utf8.distance(from: text.startIndex, to: found.lowerBound) + 1 + 18  // the 2 of -002-
        bytes[lines[0] + 1 + offset] = UInt8(ascii: "9")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let broken = try #require(try spool.report().findings.first { $0.code == "journal-chain-broken" })
        #expect(broken.subject == "state/journal.jsonl:3")
        #expect(broken.message.vi.contains("dòng 2"))
        #expect(broken.severity == .error)
    }

    @Test func aSealedMonthIsFollowedAndItsChangeIsNamed() throws {
        let spool = try DemoSpool()
        let path = spool.layout.state + "/journal.jsonl"
        let journal = try Journal(path: path)
        try journal.append((1...4).map { packed($0) })
        let index = try LedgerIndex(path: spool.layout.state + "/index.sqlite")
        try index.catchUp(with: journal)
        // Everything written before next month is sealed: the doctor follows the chain into the segment.
        let next = CalendarDate(Date().addingTimeInterval(40 * 86_400), in: Timestamp.vietnam).yearMonth
        let seals = try journal.seal(before: next, by: "admin", reason: "test")
        try #require(seals.count >= 1)
        let chain = try #require(try spool.report().findings.first { $0.code == "journal-chain" })
        #expect(chain.message.en.contains("sealed month(s) in state/journal/"), "\(chain.message.en)")
        #expect(DemoSpool.problems(try spool.report()).isEmpty)

        // The segment edited: named by its own path.
        let segment = try #require(try journal.segments().first)
        chmod(segment.path, 0o644)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: segment.path)))
        bytes[bytes.count - 3] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: segment.path))
        let broken = try #require(try spool.report().findings.first { $0.code == "journal-chain-broken" })
        #expect(broken.subject.hasPrefix("state/journal/" + (segment.path as NSString).lastPathComponent), "\(broken)")
        #expect(broken.severity == .error)
    }

    @Test func theIndexMustAgreeWithTheJournal() throws {
        let spool = try DemoSpool()
        let path = spool.layout.state + "/journal.jsonl"
        let journal = try Journal(path: path)
        try journal.append((1...3).map { packed($0) })
        let index = try LedgerIndex(path: spool.layout.state + "/index.sqlite")
        try index.catchUp(with: journal)
        // A journal the index does not come from: shorter than what the index applied.
        unlink(path)
        try Journal(path: path).append(packed(1))
        let problems = DemoSpool.problems(try spool.report())
        #expect(problems.map(\.code) == ["index-mismatch"], "\(problems)")
    }

    @Test func aRotationStoppedHalfWayIsAWarningUntilItIsFinished() throws {
        let spool = try DemoSpool()
        let journal = try Journal(path: spool.layout.state + "/journal.jsonl")
        let from = "agencies/\(DemoSpool.agency)/rejected/x.pdf"
        let to = "agencies/\(DemoSpool.agency)/rejected/2026/11/x.pdf"
        try spool.directory.write("Spool/" + from, "%PDF-1.7\n%%EOF\n")
        try journal.append(
            .relocated(agency: AgencyCode(DemoSpool.agency), folder: "rejected", packetId: nil, from: from, to: to))
        let index = try LedgerIndex(path: spool.layout.state + "/index.sqlite")
        try index.catchUp(with: journal)
        var problems = DemoSpool.problems(try spool.report())
        #expect(problems.map(\.code) == ["rotation-unfinished"], "\(problems)")
        #expect(problems.first?.message.action.contains("lienthong rotate") == true)
        // Made by hand (or by the next rotation): nothing left to say.
        try FileManager.default.createDirectory(
            atPath: spool.root + "/agencies/\(DemoSpool.agency)/rejected/2026/11", withIntermediateDirectories: true)
        rename(spool.root + "/" + from, spool.root + "/" + to)
        problems = DemoSpool.problems(try spool.report())
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func anIndexBehindTheJournalIsFine() throws {
        let spool = try DemoSpool()
        let journal = try Journal(path: spool.layout.state + "/journal.jsonl")
        try journal.append((1...3).map { packed($0) })
        try LedgerIndex(path: spool.layout.state + "/index.sqlite").catchUp(with: journal)
        // Records the index has not applied yet: the office applies them when it runs.
        try journal.append(.delivered(packetId: packetID(1), recipient: AgencyCode("000.00.01.H53")!, path: ""))
        let report = try spool.report()
        #expect(DemoSpool.problems(report).isEmpty, "\(report.text)")
        #expect(report.findings.first { $0.code == "index" }?.message.en.contains("1 more record") == true)
    }

    @Test func doctorChangesNothing() throws {
        let spool = try DemoSpool()
        let journal = try Journal(path: spool.layout.state + "/journal.jsonl")
        try journal.append(packed(1))
        do {
            try LedgerIndex(path: spool.layout.state + "/index.sqlite").catchUp(with: journal)
        }
        let before = spool.snapshot()
        _ = try spool.report()
        #expect(spool.snapshot() == before)
    }

    @Test func jsonIsAStableListInNFC() throws {
        let spool = try DemoSpool()
        chmod(spool.layout.keys + "/\(DemoSpool.agency).pem", 0o644)
        let report = try spool.report()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [[String: Any]])
        #expect(parsed.count == report.findings.count)
        let key = try #require(
            parsed.first { $0["code"] as? String == "key-mode" && $0["severity"] as? String == "error" })
        let message = try #require(key["message"] as? [String: String])
        #expect(Set(message.keys) == ["vi", "en", "action", "actionEn"])
        #expect(message["vi"]!.isNFC)
        #expect(key["check"] as? String == "layout")
        let line = try #require(report.text.split(separator: "\n").first { $0.contains("[key-mode]") })
        #expect(line.hasPrefix("LỖI/ERROR"))
    }

    /// A packet id whose millisecond field is `number` (`-002-` for 2).
    func packetID(_ number: Int) -> PacketID {
        PacketID("20261124-030000-\(String(format: "%03d", number))-ABCDEFGHJK")!
    }

    /// The `packed` record of a packet sent by the demo agency.
    func packed(_ number: Int) -> LedgerEvent {
        .packed(
            LedgerPacket(
                packetId: packetID(number), sender: AgencyCode("000.00.00.H53")!, codeNumber: "\(number)",
                codeNotation: "QĐ-UBND", issuedDate: "2026-11-24", typeName: "Công văn", subject: "Thử",
                priority: "thuong",
                secrecy: nil, to: [AgencyCode("000.00.01.H53")!], files: ["a.pdf"], packedAt: nil,
                archive: "archive/2026/11/\(packetID(number)).tar", sha256: nil, size: nil))
    }
}
