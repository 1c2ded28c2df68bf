import Foundation
import Signing
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong doctor` on a real spool: healthy after `init --demo`; every seeded problem on its own line.
@Suite struct DoctorCommandTests {
    @Test func aFreshDemoSpoolIsHealthy() throws {
        let directory = TemporaryDirectory("lienthong-doctor")
        let root = directory.file("Spool")
        let initialised = try CLI.lienthong(["init", "--spool", root, "--demo"])
        #expect(initialised.status == 0, "\(initialised.output)")
        let result = try CLI.lienthong(["doctor", "--spool", root])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stdout.contains("LỖI/ERROR"), "\(result.output)")
        let json = try CLI.lienthong(["doctor", "--spool", root, "--json"])
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(checks.allSatisfy { $0["severity"] as? String != "error" })
        #expect(
            Set(checks.compactMap { $0["code"] as? String }).isSuperset(of: [
                "state-mode", "key-mode", "certificate", "crl", "disk-space",
            ]))
    }

    @Test func usageAndNotASpoolExitWith2() throws {
        let directory = TemporaryDirectory("lienthong-doctor")
        #expect(try CLI.lienthong(["doctor", "--spool", directory.file("none")]).status == 2)
        #expect(try CLI.lienthong(["doctor", "--spool", directory.path, "--bogus"]).status == 2)
    }

    @Test func everySeededProblemHasItsOwnLine() throws {
        let spool = try OfficeSpool(label: "doctor")
        let root = spool.root
        // A journal with a few records: one document sent and delivered.
        try spool.drop("Công văn 1", number: "1")
        let ran = try spool.once()
        #expect(ran.status == 0, "\(ran.output)")
        let journalPath = root + "/state/journal.jsonl"
        var journal = Array(try Data(contentsOf: URL(fileURLWithPath: journalPath)))
        let newlines = journal.indices.filter { journal[$0] == UInt8(ascii: "\n") }
        try #require(newlines.count >= 3)
        // One byte of line 2 changed (a digit of its time's milliseconds): line 3 no longer carries line 2's SHA-256.
        let line2 = String(decoding: journal[(newlines[0] + 1)..<newlines[1]], as: UTF8.self)
        // A digit of the milliseconds.
        let at = try #require(line2.range(of: "\"at\":\"")).upperBound.utf16Offset(in: line2) + 21
        journal[newlines[0] + 1 + at] =
            journal[newlines[0] + 1 + at] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
        try Data(journal).write(to: URL(fileURLWithPath: journalPath))

        var expected = [
            "key-mode", "certificate-expired", "certificate-expiring", "crl-expired", "inbox-missing",
            "journal-chain-broken",
        ]
        // A key readable by everyone.
        chmod(root + "/state/keys/000.00.00.H53.pem", 0o644)
        // An expired and an expiring certificate, issued by the demo CA.
        let authority = CertificateAuthority(
            key: try PrivateKey.load(path: root + "/state/demo-ca/ca-key.pem", passphrase: nil),
            certificate: try #require(try Certificate.load(path: root + "/trust/ca/lienthong-demo-root-ca.pem").first))
        let now = Date()
        for (code, until) in [
            ("000.00.02.H53", now.addingTimeInterval(-86_400)), ("000.00.03.H53", now.addingTimeInterval(10 * 86_400)),
        ] {
            let key = try PrivateKey.generate(.ecP256)
            let certificate = try authority.issue(
                subject: DistinguishedName([
                    ("C", "VN"), ("O", "Thử nghiệm"), ("UID", code), ("CN", "Thử nghiệm \(code)"),
                ]),
                subjectKey: key, validFrom: now.addingTimeInterval(-400 * 86_400), validUntil: until)
            try Data(try key.pem()).write(to: URL(fileURLWithPath: root + "/state/keys/\(code).pem"))
            chmod(root + "/state/keys/\(code).pem", 0o600)
            try certificate.pem.write(
                toFile: root + "/agencies/\(code)/certificate.pem", atomically: true, encoding: .utf8)
        }
        // A revocation list past its nextUpdate.
        let stale = try authority.revocationList(
            revoked: [], thisUpdate: now.addingTimeInterval(-30 * 86_400),
            nextUpdate: now.addingTimeInterval(-86_400))
        try stale.pem.write(toFile: root + "/trust/crl/stale.crl.pem", atomically: true, encoding: .utf8)
        // An inbox on a share that is not mounted.
        try appendLine(
            "inbox: \(spool.directory.file("mnt/vp/inbox"))", to: root + "/agencies/000.00.00.H53/agency.yaml")

        // A read-only inbox and a nearly full disk need mounts (tmpfs); unmounted whatever happens.
        var mounted: [String] = []
        defer { for point in mounted.reversed() { _ = try? ProcessRunner.run("umount", [point]) } }
        let readOnly = spool.directory.file("ro-share")
        let small = spool.directory.file("small-disk")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let roMount = try ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly])
        if roMount.status == 0 {
            mounted.append(readOnly)
            try appendLine("inbox: \(readOnly)", to: root + "/agencies/000.00.01.H53/agency.yaml")
            expected.append("inbox-read-only")
        } else {
            print(
                "doctor: SKIPPED the read-only inbox case: mounting a tmpfs is not permitted here (\(roMount.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
            )
        }
        let smallMount = try ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", small])
        if smallMount.status == 0 {
            mounted.append(small)
            // The paper fallback folder on a 4 MiB disk filled to more than 90%.
            try Data(count: 3_900_000).write(to: URL(fileURLWithPath: small + "/filler"))
            try FileManager.default.createDirectory(atPath: small + "/fallback", withIntermediateDirectories: true)
            let office = try String(contentsOfFile: root + "/office.yaml", encoding: .utf8)
                .replacingOccurrences(of: "fallbackDir: fallback", with: "fallbackDir: \(small)/fallback")
            try office.write(toFile: root + "/office.yaml", atomically: true, encoding: .utf8)
            expected.append("disk-space-low")
        } else {
            print(
                "doctor: SKIPPED the nearly full disk case: mounting a tmpfs is not permitted here (\(smallMount.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
            )
        }

        // A broken override of the incident report: a section opened on line 2 and never closed.
        try FileManager.default.createDirectory(atPath: root + "/templates", withIntermediateDirectories: true)
        try "<h1>Biên bản</h1>\n{{#incident}}\n".write(
            toFile: root + "/templates/incident-report.html.mustache", atomically: true, encoding: .utf8)
        expected.append("template-invalid")

        let before = try listing(root + "/state")
        let result = try CLI.lienthong(["doctor", "--spool", root])
        #expect(result.status == 1, "\(result.output)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for code in expected {
            let matching = lines.filter { $0.contains("[\(code)]") }
            #expect(!matching.isEmpty, "no line for \(code) in:\n\(result.stdout)")
        }
        #expect(
            lines.contains {
                $0.contains("[journal-chain-broken]") && $0.contains("journal.jsonl:3") && $0.contains("dòng 2")
            })
        #expect(
            lines.contains {
                $0.hasPrefix("LỖI/ERROR [key-mode] state/keys/000.00.00.H53.pem") && $0.contains("chmod 600")
            })
        #expect(
            lines.contains { $0.hasPrefix("CẢNH BÁO/WARNING [certificate-expiring]") && $0.contains("000.00.03.H53") })
        #expect(
            lines.contains {
                $0.contains("[template-invalid]") && $0.contains("templates/incident-report.html.mustache:")
            })

        let json = try CLI.lienthong(["doctor", "--spool", root, "--json"])
        #expect(json.status == 1)
        let checks = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.output)")
        let codes = Set(checks.compactMap { $0["code"] as? String })
        for code in expected { #expect(codes.contains(code), "\(code) missing from --json") }
        for check in checks {
            #expect(["error", "warning", "ok"].contains(check["severity"] as? String ?? ""))
            let message = check["message"] as? [String: String] ?? [:]
            #expect(message["vi"] != nil && message["en"] != nil && message["action"] != nil, "\(check)")
        }
        // Doctor changed nothing in state/ (no index files, no journal record, no lock).
        #expect(try listing(root + "/state") == before)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: journalPath))) == journal)
        // The probe file was removed.
        if mounted.contains(readOnly) { #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly).isEmpty) }
    }

    private func appendLine(_ line: String, to path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Names, sizes and modification times under `path`.
    private func listing(_ path: String) throws -> [String] {
        var lines: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(path + "/" + name, &info) == 0 else { continue }
            lines.append("\(name) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
        }
        return lines.sorted()
    }
}
