import Foundation
import TestSupport
import Testing

/// `lienthong archive search|show|extract|verify` on a spool with real packets.
@Suite struct ArchiveTests {
    func sidecar(
        _ number: String, type: String, notation: String, subject: String, to: [String], priority: String = "thuong",
        secrecy: String? = nil
    ) -> String {
        """
        { "codeNumber": "\(number)", "codeNotation": "\(notation)", "issuedDate": "\(Fixtures.localDate(-3))", "typeName": "\(type)",
          "subject": "\(subject)", "signerInfo": { "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
          "to": [\(to.map { "\"\($0)\"" }.joined(separator: ", "))], "priority": "\(priority)"\(secrecy.map { ", \"secrecy\": \"\($0)\"" } ?? "") }
        """
    }

    /// Three packets: a Quyết định about Đông Hưng, a Công văn to the Đông Hưng district (hỏa tốc), a secret Báo cáo.
    func archive() throws -> OfficeSpool {
        let spool = try OfficeSpool(label: "archive")
        let drops = [
            (
                "qd",
                sidecar(
                    "15", type: "Quyết định", notation: "QĐ-UBND",
                    subject: "Về việc ban hành quy chế văn thư tại huyện Đông Hưng",
                    to: ["000.00.01.H53"])
            ),
            (
                "cv",
                sidecar(
                    "16", type: "Công văn", notation: "UBND-VP", subject: "Về việc kiểm tra công tác lưu trữ",
                    to: ["000.00.03.H53"],
                    priority: "hoa-toc")
            ),
            (
                "mat",
                sidecar(
                    "17", type: "Báo cáo", notation: "BC-UBND", subject: "Báo cáo tình hình an ninh",
                    to: ["000.00.02.H53"], secrecy: "mat")
            ),
        ]
        for (name, json) in drops {
            try Data(OfficeSpool.pdf("nội dung \(name)")).write(
                to: URL(fileURLWithPath: spool.outbox() + "/\(name).pdf"))
            try json.write(toFile: spool.outbox() + "/\(name).json", atomically: true, encoding: .utf8)
        }
        let result = try spool.once()
        #expect(result.status == 0 && spool.archived().count == 3, "\(result.output)")
        return spool
    }

    func search(_ spool: OfficeSpool, _ arguments: [String]) throws -> [String] {
        let result = try CLI.lienthong(["archive", "search"] + arguments + ["--json", "--spool", spool.root])
        #expect(result.status == 0, "\(result.output)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return ((json?["hits"] as? [[String: Any]]) ?? []).compactMap { $0["numberAndNotation"] as? String }.sorted()
    }

    @Test func searchIgnoresAccentsCaseAndDAndFilters() throws {
        let spool = try archive()
        #expect(try search(spool, ["quyet", "dinh"]) == ["15/QĐ-UBND"])
        #expect(try search(spool, ["QUYẾT ĐỊNH"]) == ["15/QĐ-UBND"])
        // In the subject of one, the recipient's name (Ủy ban nhân dân huyện Đông Hưng) of the other.
        #expect(try search(spool, ["dong hung"]) == ["15/QĐ-UBND", "16/UBND-VP"])
        #expect(try search(spool, ["\"quy che van thu\""]) == ["15/QĐ-UBND"])
        #expect(try search(spool, ["\"van thu quy che\""]).isEmpty)
        #expect(try search(spool, ["nguyen van a"]).count == 3)  // the signer
        #expect(try search(spool, ["--type", "cong van"]) == ["16/UBND-VP"])
        #expect(try search(spool, ["--priority", "hoa-toc"]) == ["16/UBND-VP"])
        #expect(try search(spool, ["--secrecy", "mat"]) == ["17/BC-UBND"])
        #expect(try search(spool, ["--secrecy", "none"]) == ["15/QĐ-UBND", "16/UBND-VP"])
        #expect(try search(spool, ["--number", "15/qđ-ubnd"]) == ["15/QĐ-UBND"])
        #expect(try search(spool, ["--number", "16"]) == ["16/UBND-VP"])
        #expect(try search(spool, ["--recipient", "000.00.02.H53"]) == ["17/BC-UBND"])
        #expect(try search(spool, ["--recipient", "dong hung"]) == ["16/UBND-VP"])
        #expect(
            try search(
                spool, ["--sender", "thai binh", "--from", Fixtures.localDate(-3), "--to", Fixtures.localDate(-3)]
            ).count == 3)
        #expect(try search(spool, ["--from", Fixtures.localDate(-2)]).isEmpty)
        let text = try CLI.lienthong(["archive", "search", "dong", "hung", "--spool", spool.root])
        #expect(text.status == 0 && text.stdout.hasPrefix("2 packet(s) found"), "\(text.output)")
        let bad = try CLI.lienthong(["archive", "search", "--priority", "gap", "--spool", spool.root])
        #expect(bad.status == 2)
    }

    @Test func showExtractAndFixity() throws {
        let spool = try archive()
        let ids = spool.archived().sorted {
            ($0.value["codeNumber"] as? String ?? "") < ($1.value["codeNumber"] as? String ?? "")
        }.map(\.key)
        let show = try CLI.lienthong(["archive", "show", ids[0], "--json", "--spool", spool.root])
        let record = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        #expect((record?["files"] as? [[String: Any]])?.first?["name"] as? String == "qd.pdf", "\(show.output)")
        #expect((record?["arrivals"] as? [[String: Any]])?.first?["number"] as? Int == 1)
        #expect(
            Set(((record?["statuses"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }) == ["01", "03"])

        // Extract: verified first, the documents and metadata.json land in DIR/<id>/.
        let out = spool.directory.file("out")
        let extracted = try CLI.lienthong(["archive", "extract", ids[0], "--to", out, "--spool", spool.root])
        #expect(extracted.status == 0, "\(extracted.output)")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: out + "/\(ids[0])/qd.pdf"))
                == Data(OfficeSpool.pdf("nội dung qd")))
        #expect(FileManager.default.fileExists(atPath: out + "/\(ids[0])/metadata.json"))
        #expect(try CLI.lienthong(["archive", "extract", ids[0], "--to", out, "--spool", spool.root]).status == 1)

        let intact = try CLI.lienthong(["archive", "verify", "--all", "--spool", spool.root])
        #expect(intact.status == 0 && intact.stdout.contains("3 intact"), "\(intact.output)")

        // One packet gets a flipped byte, another is deleted behind the index's back, a stray file appears.
        func packet(_ id: String) -> String {
            spool.root + "/archive/\(id.prefix(4))/\(id.dropFirst(4).prefix(2))/\(id).tar"
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: packet(ids[1])))
        bytes[bytes.count / 3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: packet(ids[1])))
        try FileManager.default.removeItem(atPath: packet(ids[2]))
        try Data("?".utf8).write(
            to: URL(fileURLWithPath: (packet(ids[0]) as NSString).deletingLastPathComponent + "/lạ.txt"))
        let damaged = try CLI.lienthong(["archive", "verify", "--all", "--json", "--spool", spool.root])
        #expect(damaged.status == 1, "\(damaged.output)")
        let report = try JSONSerialization.jsonObject(with: Data(damaged.stdout.utf8)) as? [String: Any]
        #expect(
            ((report?["changed"] as? [[String: Any]]) ?? []).compactMap { $0["packetId"] as? String } == [ids[1]],
            "\(damaged.output)")
        #expect(((report?["missing"] as? [[String: Any]]) ?? []).compactMap { $0["packetId"] as? String } == [ids[2]])
        #expect(((report?["untracked"] as? [String]) ?? []).contains { $0.hasSuffix("/lạ.txt") })
        #expect(report?["intact"] as? Int == 1)
        #expect(damaged.stderr.contains("3/3"), "no progress shown: \(damaged.stderr)")
        // Only the damaged one, by id; and a damaged packet is never extracted.
        #expect(try CLI.lienthong(["archive", "verify", ids[0], "--spool", spool.root]).status == 0)
        let refused = try CLI.lienthong(["archive", "extract", ids[1], "--to", out, "--spool", spool.root])
        #expect(refused.status == 1 && !FileManager.default.fileExists(atPath: out + "/\(ids[1])"), "\(refused.output)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out) == [ids[0]], "a partial folder was left behind")
        #expect(
            try CLI.lienthong(["archive", "verify", "20260101-000000-000-AAAAAAAAAA", "--spool", spool.root]).status
                == 2)
    }

    @Test func anEditedSidecarIsChangedAndCannotWidenAccess() throws {
        let spool = try archive()
        let secret = try #require(spool.archived().first { $0.value["secrecy"] as? String == "mat" }?.key)
        let sidecar = spool.root + "/archive/\(secret.prefix(4))/\(secret.dropFirst(4).prefix(2))/\(secret).json"
        // Someone edits the archive's sidecar to drop the secrecy level, and hides a file in a hidden folder.
        let text = try String(contentsOfFile: sidecar, encoding: .utf8)
        try text.replacingOccurrences(of: "\"secrecy\": \"mat\",", with: "").write(
            toFile: sidecar, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: spool.root + "/archive/.an", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: spool.root + "/archive/.an/khac.tar"))
        let report = try CLI.lienthong(["archive", "verify", "--all", "--json", "--spool", spool.root])
        #expect(report.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        #expect(
            ((json?["changed"] as? [[String: Any]]) ?? []).map { "\($0["packetId"] ?? "") \($0["kind"] ?? "")" } == [
                "\(secret) sidecar-changed"
            ],
            "\(report.output)")
        #expect(((json?["untracked"] as? [String]) ?? []).contains("archive/.an/khac.tar"), "\(report.output)")
        // Even after the index is rebuilt from the archive, the journal's word on the packet stands.
        #expect(try CLI.lienthong(["index", "rebuild", "--spool", spool.root]).status == 0)
        #expect(try search(spool, ["--secrecy", "mat"]) == ["17/BC-UBND"])
        #expect(try search(spool, ["--secrecy", "none"]) == ["15/QĐ-UBND", "16/UBND-VP"])
    }
}
