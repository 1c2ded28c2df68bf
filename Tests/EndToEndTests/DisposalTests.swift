import Foundation
import TestSupport
import Testing

/// Retention and disposal on the built binary: invitations of 2015 (5 years) are past their retention, a decision
/// (permanent) never is; a legal hold keeps a packet whatever is approved; one approval destroys nothing; after a
/// second admin account approves, the packet is gone, its tombstone and a signed certificate remain, search says it
/// was destroyed, and the journal and the archive still verify.
@Suite struct DisposalTests {
    func drop(_ spool: OfficeSpool, _ name: String, type: String, number: Int, issued: String) throws {
        let outbox = spool.outbox()
        try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: outbox + "/\(name).pdf"))
        let sidecar = Fixtures.sidecar(
            to: ["000.00.01.H53"], number: "\(number)", subject: "Mời họp \(name)", issued: issued
        )
        .replacingOccurrences(of: "\"typeName\": \"Quyết định\"", with: "\"typeName\": \"\(type)\"")
        try sidecar.write(toFile: outbox + "/\(name).json", atomically: false, encoding: .utf8)
    }

    /// The packet's archive file, as `archive show --json` says.
    func archivePath(_ spool: OfficeSpool, _ packet: String) throws -> String {
        let shown = try spool.admin(["archive", "show", packet, "--json"])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        return try #require(answer["archivePath"] as? String)
    }

    func packet(_ spool: OfficeSpool, number: String) throws -> String {
        let found = try spool.admin(["archive", "search", "--number", number, "--json"])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        return try #require((answer["hits"] as? [[String: Any]])?.first?["packetId"] as? String)
    }

    @Test func aHeldPacketStaysOneApprovalIsNotEnoughTwoDestroyWithATombstone() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "disposal")
        try drop(spool, "gm1", type: "Giấy mời", number: 1, issued: "2015-03-02")
        try drop(spool, "gm2", type: "Giấy mời", number: 2, issued: "2015-03-03")
        try drop(spool, "gm3", type: "Giấy mời", number: 3, issued: "2015-03-04")
        try drop(spool, "qd4", type: "Quyết định", number: 4, issued: "2015-03-05")
        #expect(try spool.once().status == 0)
        let (held, destroyed, extended, decision) = (
            try packet(spool, number: "1/QĐ-UBND"), try packet(spool, number: "2/QĐ-UBND"),
            try packet(spool, number: "3/QĐ-UBND"), try packet(spool, number: "4/QĐ-UBND")
        )
        let show = try spool.admin(["retention", "show", destroyed])
        #expect(show.stdout.contains("5 năm") && show.stdout.contains("2021-01-01"), "\(show.output)")
        #expect(try spool.admin(["retention", "show", decision]).stdout.contains("Vĩnh viễn"))
        // Retention is extended, never shortened.
        #expect(try spool.admin(["retention", "extend", decision, "--to", "10 năm"]).status == 1)
        #expect(
            try spool.admin(["retention", "extend", extended, "--to", "20 năm", "--reason", "giá trị lâu dài"]).status
                == 0)
        // A legal hold, asked for by an inspection.
        #expect(try spool.admin(["hold", "add", held]).status == 1)  // a reason is required
        #expect(try spool.admin(["hold", "add", held, "--reason", "Thanh tra tỉnh yêu cầu"]).status == 0)

        let proposed = try spool.admin(["disposal", "propose", "--due", "--reason", "huỷ tài liệu hết thời hạn"])
        #expect(proposed.status == 0, "\(proposed.output)")
        let id = try #require(
            proposed.stdout.split(separator: "\n").first { $0.hasPrefix("proposal: ") }?
                .dropFirst("proposal: ".count).split(separator: " ").first.map(String.init))
        #expect(proposed.stdout.contains(destroyed) && !proposed.stdout.contains("  \(held)"))
        #expect(!proposed.stdout.contains("  \(extended)") && !proposed.stdout.contains("  \(decision)"))

        for (name, password) in [("quantri1", "mat-khau-quan-tri-1"), ("quantri2", "mat-khau-quan-tri-2")] {
            #expect(try spool.admin(["user", "add", name, "--role", "admin"], stdin: password + "\n").status == 0)
        }
        #expect(
            try spool.admin(["user", "add", "luutru", "--role", "archivist"], stdin: "mat-khau-luu-tru\n").status == 0)
        // Not an admin, not the right password: refused.
        #expect(
            try spool.admin(["disposal", "approve", id, "--as", "luutru"], stdin: "mat-khau-luu-tru\n").status == 1)
        #expect(
            try spool.admin(["disposal", "approve", id, "--as", "quantri1"], stdin: "sai-mat-khau-1\n").status == 1)
        // One approval is not enough; the same account twice is one approval.
        let first = try spool.admin(["disposal", "approve", id, "--as", "quantri1"], stdin: "mat-khau-quan-tri-1\n")
        #expect(first.status == 0 && first.stdout.contains("1 of 2"), "\(first.output)")
        let twice = try spool.admin(["disposal", "approve", id, "--as", "quantri1"], stdin: "mat-khau-quan-tri-1\n")
        #expect(twice.status == 1, "\(twice.output)")
        let archivePath = try self.archivePath(spool, destroyed)
        #expect(FileManager.default.fileExists(atPath: spool.root + "/" + archivePath))
        let second = try spool.admin(["disposal", "approve", id, "--as", "quantri2"], stdin: "mat-khau-quan-tri-2\n")
        #expect(second.status == 0 && second.stdout.contains("carried out"), "\(second.output)")

        // Gone from the archive; the tombstone and the signed certificate remain.
        #expect(!FileManager.default.fileExists(atPath: spool.root + "/" + archivePath))
        let sidecar = (archivePath as NSString).deletingPathExtension + ".json"
        #expect(!FileManager.default.fileExists(atPath: spool.root + "/" + sidecar))
        let certificate = spool.root + "/disposals/\(id)/bien-ban-huy.json"
        let text = try String(contentsOfFile: certificate, encoding: .utf8)
        #expect(text.contains(destroyed) && text.contains("quantri1") && text.contains("quantri2"))
        let verified = try ProcessRunner.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", certificate + ".p7s", "-content", certificate,
                "-CAfile", spool.root + "/trust/ca/lienthong-demo-root-ca.pem", "-out", "/dev/null",
            ])
        #expect(verified.status == 0, "\(verified.output)")
        let shown = try spool.admin(["archive", "show", destroyed])
        #expect(shown.stdout.contains("destroyed:  at") && shown.stdout.contains(id), "\(shown.output)")
        let search = try spool.admin(["archive", "search", "mời họp"])
        #expect(search.stdout.contains("\(destroyed)") && search.stdout.contains("[ĐÃ HUỶ"), "\(search.output)")
        // The others are where they were; everything still verifies.
        for kept in [held, extended, decision] {
            let path = try self.archivePath(spool, kept)
            #expect(FileManager.default.fileExists(atPath: spool.root + "/" + path), "\(kept)")
        }
        #expect(try spool.verifyJournal().status == 0)
        let fixity = try spool.admin(["archive", "verify", "--all"])
        #expect(fixity.status == 0 && fixity.stdout.contains("3 packet(s) checked"), "\(fixity.output)")
        // Released, the held packet is proposed next time.
        #expect(try spool.admin(["hold", "release", held, "--reason", "Thanh tra kết thúc"]).status == 0)
        let next = try spool.admin(["disposal", "propose", "--due", "--dry-run"])
        #expect(next.stdout.contains(held), "\(next.output)")
    }
}
