import Foundation
import TestSupport
import Testing

/// `lienthong watch --once` on a demo spool: drops become archived, delivered packets; everything else is
/// returned with a reason.
@Suite struct WatchOnceTests {
    @Test(arguments: ["tar", "zip"])
    func aPairAndAFolderAreArchivedDeliveredAndFiled(_ format: String) throws {
        let spool = try OfficeSpool(label: "once-\(format)")
        try spool.writeOfficeYAML(mode: "inotify", settle: "200ms", sidecarWait: "3s", format: format)
        let content = try spool.drop("Quyết định 125", number: "125")
        // A folder: main text, an appendix and metadata.json, dropped at once.
        let folder = spool.outbox() + "/Công văn 7"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(OfficeSpool.pdf("công văn")).write(to: URL(fileURLWithPath: folder + "/Công văn 7.pdf"))
        try Data(OfficeSpool.pdf("phụ lục")).write(to: URL(fileURLWithPath: folder + "/Phụ lục.pdf"))
        try Fixtures.sidecar(to: ["000.00.03.H53"], number: "7").write(
            toFile: folder + "/metadata.json", atomically: true, encoding: .utf8)

        let result = try spool.once()
        #expect(result.status == 0, "\(result.output)")
        let archived = spool.archived()
        #expect(archived.count == 2, "\(result.output)")
        for (id, metadata) in archived {
            let to = metadata["to"] as? [String] ?? []
            for recipient in to {
                let delivered = spool.inbox(recipient) + "/" + id
                let files = spool.visible(delivered)
                #expect(
                    files.contains("metadata.json") && files.contains("metadata.json.p7s")
                        && files.contains("\(id).\(format)"), "\(files)")
                let packet = delivered + "/\(id).\(format)"
                let verified = try CLI.lienthong(["verify", packet, "--spool", spool.root])
                #expect(verified.status == 0, "\(verified.output)")
            }
        }
        let pair = try #require(archived.values.first { ($0["codeNumber"] as? String) == "125" })
        let id = try #require(pair["packetId"] as? String)
        for recipient in OfficeSpool.recipients {
            let delivered = try Data(
                contentsOf: URL(fileURLWithPath: spool.inbox(recipient) + "/\(id)/Quyết định 125.pdf"))
            #expect(Array(delivered) == content)
        }
        let folderPacket = try #require(archived.values.first { ($0["codeNumber"] as? String) == "7" })
        #expect(
            (folderPacket["files"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [
                "Công văn 7.pdf", "Phụ lục.pdf",
            ])
        #expect(spool.visible(spool.outbox()).isEmpty)
        #expect(spool.visible(spool.sent()).count == 2)
        let status = try String(
            contentsOfFile: spool.sent() + "/" + spool.visible(spool.sent()).first { $0.contains("125-QĐ-UBND") }!
                + "/Tình trạng gửi.txt", encoding: .utf8)
        #expect(status.contains("đã chuyển đến hộp thư đến"))
        #expect(try spool.verifyJournal().status == 0)
    }

    /// Issue 11: a document named like the office's legal-value notice no longer keeps its name in the inbox with
    /// the office's notice moved aside (a clerk read the sender's text as the office's): it is returned.
    @Test func aDocumentNamedLikeAnOfficeFileIsReturnedNotDelivered() throws {
        let spool = try OfficeSpool(label: "reserved")
        let folder = spool.outbox() + "/Công văn 8"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(OfficeSpool.pdf("công văn")).write(to: URL(fileURLWithPath: folder + "/Công văn 8.pdf"))
        try Data("ghi chú của văn thư".utf8).write(to: URL(fileURLWithPath: folder + "/GIÁ TRỊ PHÁP LÝ.txt"))
        try Fixtures.sidecar(to: ["000.00.01.H53"], number: "8").write(
            toFile: folder + "/metadata.json", atomically: true, encoding: .utf8)
        let result = try spool.once()
        #expect(result.status == 0, "\(result.output)")
        #expect(spool.archived().isEmpty && spool.visible(spool.inbox("000.00.01.H53")).isEmpty)
        #expect(
            try String(contentsOfFile: spool.rejected() + "/Công văn 8/GIÁ TRỊ PHÁP LÝ.txt", encoding: .utf8)
                == "ghi chú của văn thư")
        let reason = try String(contentsOfFile: spool.rejected() + "/Công văn 8.reason.txt", encoding: .utf8)
        #expect(reason.contains("reserved-name"), "\(reason)")
    }

    @Test func urgentDocumentsGoFirst() throws {
        let spool = try OfficeSpool(label: "urgent")
        for index in 0..<6 {
            try spool.drop("thường \(index)", number: "\(100 + index)")
        }
        try spool.drop("hỏa tốc", number: "200", priority: "hoa-toc")
        try spool.drop("khẩn", number: "201", priority: "khan")
        #expect(try spool.once().status == 0)
        let packed = spool.journal().filter { ($0["event"] as? String) == "packed" }.compactMap {
            $0["codeNumber"] as? String
        }
        #expect(packed.count == 8)
        #expect(Array(packed.prefix(2)) == ["200", "201"], "\(packed)")
    }

    @Test func theIndexRebuiltFromArchiveAndJournalMatchesTheLiveOne() throws {
        let spool = try OfficeSpool(label: "rebuild")
        for index in 0..<5 { try spool.drop("vb \(index)", number: "\(index + 1)") }
        try spool.drop("trùng", number: "1")  // a number already used: rejected
        #expect(try spool.once().status == 0)
        let before = try sqlite(
            spool,
            "SELECT COUNT(*) FROM packet; SELECT COUNT(*) FROM delivery; SELECT COUNT(*) FROM rejection; SELECT COUNT(*) FROM documentNumber;"
        )
        try FileManager.default.removeItem(atPath: spool.root + "/state/index.sqlite")
        let rebuilt = try CLI.lienthong(["index", "rebuild", "--spool", spool.root])
        #expect(
            rebuilt.status == 0 && rebuilt.stdout.contains("5 packet(s), 10 deliveries, 1 rejection(s)"),
            "\(rebuilt.output)")
        #expect(
            try sqlite(
                spool,
                "SELECT COUNT(*) FROM packet; SELECT COUNT(*) FROM delivery; SELECT COUNT(*) FROM rejection; SELECT COUNT(*) FROM documentNumber;"
            ) == before)
    }

    func sqlite(_ spool: OfficeSpool, _ query: String) throws -> String {
        try ProcessRunner.run("sqlite3", [spool.root + "/state/index.sqlite", query]).stdout
    }

    @Test func aBadOfficeYAMLIsRefusedWithItsLine() throws {
        let spool = try OfficeSpool(label: "badconfig")
        try "watch:\n  mode: auto\n  setle: 1s\n".write(
            toFile: spool.root + "/office.yaml", atomically: true, encoding: .utf8)
        let result = try spool.once()
        #expect(result.status == 2, "\(result.output)")
        #expect(
            result.stderr.contains("office.yaml:3:3") && result.stderr.contains("unknown key watch.setle"),
            "\(result.output)")
        try "watch: { settle: soon }\n".write(toFile: spool.root + "/office.yaml", atomically: true, encoding: .utf8)
        let duration = try spool.once()
        #expect(duration.status == 2 && duration.stderr.contains("office.yaml:1:18"), "\(duration.output)")
    }
}

@Suite struct DamagedIndexTests {
    @Test func aDamagedIndexIsRebuiltFromTheArchiveAndTheJournal() throws {
        let spool = try OfficeSpool(label: "damaged")
        try spool.drop("một", number: "1")
        #expect(try spool.once().status == 0)
        try Data("this is not a database".utf8).write(to: URL(fileURLWithPath: spool.root + "/state/index.sqlite"))
        try? FileManager.default.removeItem(atPath: spool.root + "/state/index.sqlite-wal")
        try spool.drop("hai", number: "2")
        try spool.drop("trùng", number: "1")  // the rebuilt index still knows number 1 is taken
        let result = try spool.once()
        #expect(result.status == 0 && result.stderr.contains("rebuilding it"), "\(result.output)")
        #expect(spool.archived().count == 2)
        #expect(spool.visible(spool.rejected()).contains("trùng.reason.txt"))
    }
}
