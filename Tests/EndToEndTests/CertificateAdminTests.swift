import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cert rotate`, `cert revoke` and `crl install` on the built binary (Decision 17/2019 Art 10.4; Decree 23/2025
/// Art 16: a signature is judged at its signing time).
@Suite struct CertificateAdminTests {
    static let sender = "000.00.00.H53"
    static let recipient = "000.00.01.H53"

    private func packet(_ spool: OfficeSpool, number: String) throws -> String {
        let result = try spool.admin(["archive", "search", "--number", number, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let hits = (json?["hits"] as? [[String: Any]]) ?? []
        return try #require(hits.first?["packetId"] as? String, "no packet numbered \(number): \(result.output)")
    }

    @Test func aRotatedCertificateKeepsWhatItSignedAndARevokedOneRefusesWhatItSignsAfter() throws {
        let spool = try OfficeSpool(label: "cert-rotate")
        let oldKey = spool.directory.file("old.key")
        let oldCertificate = spool.directory.file("old.pem")
        try FileManager.default.copyItem(atPath: spool.root + "/state/keys/\(Self.sender).pem", toPath: oldKey)
        try FileManager.default.copyItem(
            atPath: spool.root + "/agencies/\(Self.sender)/certificate.pem", toPath: oldCertificate)

        try spool.drop("truoc", number: "1", to: [Self.recipient])
        #expect(try spool.once().status == 0)
        usleep(1_200_000)
        let since = Date()
        usleep(1_200_000)
        try spool.drop("sau", number: "2", to: [Self.recipient])
        #expect(try spool.once().status == 0)

        // Rotation: a new key and certificate; what the old one signed stays valid.
        let fresh = try spool.newCredentials(Self.sender, name: "Ủy ban nhân dân tỉnh Thái Bình", label: "new")
        let dry = try spool.treeHash()
        let preview = try spool.admin([
            "cert", "rotate", Self.sender, "--cert", fresh.certificate, "--key", fresh.key, "--dry-run",
        ])
        #expect(preview.status == 0 && preview.stdout.contains("--dry-run"), "\(preview.output)")
        #expect(try spool.treeHash() == dry, "--dry-run changed the spool")
        let rotate = try spool.admin([
            "cert", "rotate", Self.sender, "--cert", fresh.certificate, "--key", fresh.key, "--reason",
            "văn thư mới nhận bàn giao",
        ])
        #expect(rotate.status == 0, "\(rotate.output)")
        try spool.drop("moi", number: "3", to: [Self.recipient])
        #expect(try spool.once().status == 0)
        let (first, second, third) = (
            try packet(spool, number: "1"), try packet(spool, number: "2"), try packet(spool, number: "3")
        )
        let verifyAll = try spool.admin(["archive", "verify", first, second, third])
        #expect(verifyAll.status == 0, "\(verifyAll.output)")

        // Revocation of the old certificate from `since`: the packet it signed before stays valid, the one after
        // is reported.
        let formatter = ISO8601DateFormatter()
        let revoke = try spool.admin([
            "cert", "revoke", Self.sender, "--since", formatter.string(from: since), "--reason", "keyCompromise",
            "--note", "thiết bị ký số bị mất",
        ])
        #expect(revoke.status == 0, "\(revoke.output)")
        #expect(try spool.admin(["archive", "verify", first]).status == 0)
        #expect(try spool.admin(["archive", "verify", third]).status == 0)
        let reported = try spool.admin(["archive", "verify", second, "--json"])
        #expect(reported.status != 0 && reported.stdout.contains("certificate-revoked"), "\(reported.output)")

        // A packet signed with the revoked key now, placed into an inbox: refused, with a 02 to the sender.
        let forged = spool.directory.file("revoked.tar")
        let packed = try PackInput.make(in: spool.directory, sidecar: Fixtures.sidecar(to: [Self.recipient]))
            .pack(from: Self.sender, key: oldKey, cert: oldCertificate, to: forged)
        #expect(packed.status == 0, "\(packed.output)")
        try FileManager.default.copyItem(atPath: forged, toPath: spool.inbox(Self.recipient) + "/den.tar")
        #expect(try spool.once().status == 0)
        let reason =
            (try? String(contentsOfFile: spool.rejected(Self.recipient) + "/den.tar.reason.txt", encoding: .utf8)) ?? ""
        #expect(reason.contains("certificate-revoked"), "\(spool.visible(spool.rejected(Self.recipient))) \(reason)")
        let statuses = spool.visible(spool.root + "/agencies/\(Self.sender)/status")
        #expect(statuses.contains { $0.hasSuffix("\(Self.recipient) 02.xml") }, "\(statuses)")

        let actions = try spool.admin(["journal", "show", "--kind", "admin"])
        #expect(
            actions.stdout.contains("cert.rotate") && actions.stdout.contains("cert.revoke")
                && actions.stdout.contains("thiết bị ký số bị mất"), "\(actions.output)")
        #expect(!actions.stdout.contains("--dry-run"))
        #expect(try spool.verifyJournal().status == 0)
    }

    /// A CRL whose signature does not verify against the CA it names is never installed.
    @Test func aRevocationListWithABadSignatureIsRefused() throws {
        let spool = try OfficeSpool(label: "crl-bad")
        let installed = spool.root + "/trust/crl/lienthong-demo-root-ca.crl.pem"
        let pem = try String(contentsOfFile: installed, encoding: .utf8)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var der = try #require(Data(base64Encoded: body))
        der[der.count - 1] ^= 0x01  // the last byte of the signature
        let bad = spool.directory.file("bad.crl.pem")
        try
            ("-----BEGIN X509 CRL-----\n" + der.base64EncodedString(options: [.lineLength64Characters])
            + "\n-----END X509 CRL-----\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let before = try spool.treeHash()
        let result = try spool.admin(["crl", "install", bad, "--reason", "CRL mới"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.hasPrefix("Từ chối:") && result.stderr.contains("signature"), "\(result.output)")
        #expect(try spool.treeHash() == before, "a refused CRL changes nothing")
    }
}
