import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a clerk is told (issue 13), on the built binary: a waiting notice for every kind of wait, near-miss names
/// paired or named together, every problem of a drop at once with its fix, reason files copied back never sent,
/// and the office's codes in every agency folder. The reason texts are quoted as the clerk reads them.
@Suite struct ClerkMessagesTests {
    private func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    private func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// A DOCX whose end is whole (a zip's end-of-central-directory record), so it is not held as incomplete.
    static let docx: [UInt8] =
        Array("PK\u{3}\u{4}word/document.xml".utf8) + [0x50, 0x4B, 0x05, 0x06]
        + [UInt8](
            repeating: 0, count: 18)

    @Test func aDocumentWithoutItsSidecarShowsANoticeThatGoesWhenTheSidecarComes() throws {
        let spool = try OfficeSpool(sidecarWait: "10m", label: "notice")
        let daemon = try spool.start()
        #expect(spool.waitUntil(20) { daemon.log.contains("office started") }, "\(daemon.log)")
        let outbox = spool.outbox()
        let started = Date()
        try Data(Self.docx).write(to: URL(fileURLWithPath: outbox + "/Kế hoạch 88.docx"))
        let notice = outbox + "/! ĐANG CHỜ — Kế hoạch 88.docx.txt"
        #expect(spool.waitUntil(10) { FileManager.default.fileExists(atPath: notice) }, "\(spool.visible(outbox))")
        #expect(Date().timeIntervalSince(started) < 10)
        let said = text(notice)
        #expect(
            said.contains(
                "văn bản \"Kế hoạch 88.docx\" chưa có tệp mô tả đi kèm: cần tệp \"Kế hoạch 88.json\" (cùng tên, đuôi .json)"
            ), "\(said)")
        #expect(said.contains("(10 phút sau khi tệp được đặt vào)"), "\(said)")
        #expect(said.contains("Tạo tệp mô tả \"Kế hoạch 88.json\""), "\(said)")
        #expect(said.contains("the document \"Kế hoạch 88.docx\" has no sidecar yet"), "\(said)")
        // The sidecar arrives: the document is sent, the notice goes.
        try write(outbox + "/Kế hoạch 88.json", Fixtures.sidecar(number: "88"))
        #expect(
            spool.waitUntil(20) { spool.archived().count == 1 && spool.visible(outbox).isEmpty },
            "outbox: \(spool.visible(outbox))\n\(daemon.log)")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 10) == 0)
    }

    @Test func aLongCopyIsToldWhileItGoesOn() throws {
        let spool = try OfficeSpool(mode: "inotify", settle: "2s", label: "copying")
        let daemon = try spool.start()
        #expect(spool.waitUntil(20) { daemon.log.contains("office started") }, "\(daemon.log)")
        let outbox = spool.outbox()
        try write(outbox + "/Báo cáo lớn.json", Fixtures.sidecar(number: "77"))
        // A slow copy over a share: the file open for writing, a piece every half second — well within `settle`, so
        // the file keeps changing whether or not inotify reports its writer.
        let fd = open(outbox + "/Báo cáo lớn.pdf", O_WRONLY | O_CREAT, 0o644)
        let part = Array(OfficeSpool.pdf("large").dropLast(7))
        _ = part.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let notice = outbox + "/! ĐANG CHỜ — Báo cáo lớn.pdf.txt"
        let shown = spool.waitUntil(25) {
            _ = Array("0123456789abcdef\n".utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            usleep(450_000)
            return FileManager.default.fileExists(atPath: notice)
        }
        #expect(shown, "\(spool.visible(outbox))")
        let said = text(notice)
        #expect(said.contains("tệp \"Báo cáo lớn.pdf\" đang được chép vào (tệp vẫn còn thay đổi)"), "\(said)")
        #expect(said.contains("Chờ đến: khi việc chép xong."), "\(said)")
        _ = Array("\n%%EOF\n".utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        // Sent once the copy ends: at once when inotify reports the close, else when the writer's mark expires
        // (`InotifyWatcher.writingExpiry`, 60 s) — on a loaded machine the close was once not seen in time.
        #expect(
            spool.waitUntil(75) { spool.archived().count == 1 && spool.visible(outbox).isEmpty },
            "outbox: \(spool.visible(outbox))\n\(daemon.log)")
        daemon.send(SIGTERM)
        _ = daemon.wait(timeout: 10)
    }

    @Test func aLoneDocumentIsReturnedWithTheClerksOwnNamesAndAHumanDuration() throws {
        let spool = try OfficeSpool(sidecarWait: "2s", label: "lone")
        let outbox = spool.outbox()
        try Data(Self.docx).write(to: URL(fileURLWithPath: outbox + "/Kế hoạch 88.docx"))
        let daemon = try spool.start()
        let reason = spool.rejected() + "/Kế hoạch 88.docx.reason.txt"
        #expect(spool.waitUntil(20) { FileManager.default.fileExists(atPath: reason) }, "\(daemon.log)")
        let said = text(reason)
        #expect(
            said.contains(
                "Sau 2 giây chờ, văn bản \"Kế hoạch 88.docx\" chưa có tệp mô tả đi kèm: cần tệp \"Kế hoạch 88.json\""),
            "\(said)")
        #expect(!said.contains("Quyết định 125.json") && !said.contains("2s"), "\(said)")
        #expect(spool.visible(outbox).isEmpty, "the notice goes with the document: \(spool.visible(outbox))")
        daemon.send(SIGTERM)
        _ = daemon.wait(timeout: 10)
    }

    @Test func namesThatDifferOnlyByAccentsArePairedAndSaidSo() throws {
        let spool = try OfficeSpool(label: "near")
        let outbox = spool.outbox()
        try Data(OfficeSpool.pdf("near")).write(to: URL(fileURLWithPath: outbox + "/Công văn 207.pdf"))
        try write(outbox + "/Cong van 207.json", Fixtures.sidecar(number: "207"))
        #expect(try spool.once().status == 0)
        #expect(spool.archived().count == 1 && spool.visible(outbox).isEmpty, "\(spool.visible(outbox))")
        let folder = try #require(spool.visible(spool.sent()).first)
        let status = text(spool.sent() + "/\(folder)/Tình trạng gửi.txt")
        #expect(
            status.contains(
                "Ghi chú: tệp mô tả \"Cong van 207.json\" đã được ghép với \"Công văn 207.pdf\" vì tên chỉ khác nhau ở dấu, chữ hoa hoặc khoảng trắng."
            ), "\(status)")
    }

    @Test func namesThatCannotBePairedAloneAreNamedTogether() throws {
        let spool = try OfficeSpool(sidecarWait: "2s", label: "ambiguous")
        let outbox = spool.outbox()
        try Data(OfficeSpool.pdf("a")).write(to: URL(fileURLWithPath: outbox + "/Báo cáo 5.pdf"))
        try Data(OfficeSpool.pdf("b")).write(to: URL(fileURLWithPath: outbox + "/BÁO CÁO 5.pdf"))
        try write(outbox + "/Bao cao 5.json", Fixtures.sidecar(number: "5"))
        let daemon = try spool.start()
        let reason = spool.rejected() + "/Bao cao 5.json.reason.txt"
        #expect(
            spool.waitUntil(20) { FileManager.default.fileExists(atPath: reason) && spool.visible(outbox).isEmpty },
            "\(spool.visible(outbox))\n\(daemon.log)")
        let said = text(reason)
        #expect(
            said.contains(
                "Trong outbox có tệp tên gần giống: \"BÁO CÁO 5.pdf\", \"Báo cáo 5.pdf\" (chỉ khác ở dấu, chữ hoa hoặc khoảng trắng), nên hệ thống không tự ghép được"
            ), "\(said)")
        #expect(spool.archived().isEmpty)
        daemon.send(SIGTERM)
        _ = daemon.wait(timeout: 10)
    }

    @Test func everyProblemOfADropIsToldAtOnceEachWithItsFix() throws {
        let spool = try OfficeSpool(label: "all")
        let outbox = spool.outbox()
        try Data(OfficeSpool.pdf("all")).write(to: URL(fileURLWithPath: outbox + "/Thông báo: lịch họp?.pdf"))
        try write(
            outbox + "/Thông báo: lịch họp?.json",
            """
            {"codeNumber": "204/QĐ-UBND", "issuedDate": "\(Fixtures.localDate(0))", "typeName": "Thông báo",
             "subject": "Lịch họp", "to": ["000.00.09.H53", "12345"]}
            """)
        #expect(try spool.once().status == 0)
        let said = text(spool.rejected() + "/Thông báo_ lịch họp_.reason.txt")
        // The number with its notation, the missing notation, the unknown code with its neighbours, the malformed
        // code, and the name's every forbidden character, in one reason file.
        #expect(
            said.contains(
                "Số văn bản \"204/QĐ-UBND\" ghi cả số và ký hiệu: trường `codeNumber` (số) chỉ gồm chữ số, ký hiệu ghi riêng ở trường `codeNotation` (ký hiệu)."
            ), "\(said)")
        #expect(
            said.contains("Cách xử lý: Ghi \"codeNumber\": \"204\" và thêm \"codeNotation\": \"QĐ-UBND\"."), "\(said)")
        #expect(said.contains("Thiếu trường `codeNotation`"), "\(said)")
        #expect(
            said.contains(
                "Không có cơ quan nhận với mã 000.00.09.H53 trong hệ thống. Mã gần giống: 000.00.01.H53 (Văn phòng Ủy ban nhân dân tỉnh Thái Bình); 000.00.02.H53 (Sở Nội vụ tỉnh Thái Bình)"
            ), "\(said)")
        #expect(said.contains("DANH SÁCH CƠ QUAN.txt"), "\(said)")
        #expect(said.contains("Mã định danh \"12345\" không đúng dạng NNN.NN.NN.Xnn"), "\(said)")
        #expect(
            said.contains("tên chứa các ký tự “:”, “?” mà Windows không cho phép dùng trong tên tệp"), "\(said)")
        #expect(said.contains("Đổi tên tệp, ví dụ thành \"Thông báo - lịch họp.pdf\""), "\(said)")
        #expect(said.contains("Mã lỗi / code: sidecar-invalid, recipient-unknown, bad-file-name"), "\(said)")
        #expect(!said.contains("quá dài"), "\(said)")
    }

    @Test func aUTF16SidecarIsReadAndALegacyOneIsExplained() throws {
        let spool = try OfficeSpool(label: "encoding")
        let outbox = spool.outbox()
        try Data(OfficeSpool.pdf("utf16")).write(to: URL(fileURLWithPath: outbox + "/Tờ trình 16.pdf"))
        let utf16 = try #require(Fixtures.sidecar(number: "16").data(using: .utf16LittleEndian))
        try (Data([0xFF, 0xFE]) + utf16).write(to: URL(fileURLWithPath: outbox + "/Tờ trình 16.json"))
        try Data(OfficeSpool.pdf("1258")).write(to: URL(fileURLWithPath: outbox + "/Tờ trình 17.pdf"))
        // Windows-1258 as Notepad of old wrote it: "Tờ" with its tone mark as a combining byte (0xD2 is U+0309).
        var legacy = Array(Fixtures.sidecar(number: "17").utf8)
        let subject = Array("Về việc".utf8)
        if let at = legacy.firstRange(of: subject) { legacy.replaceSubrange(at, with: [0x56, 0xEA, 0xD2, 0x20]) }
        try Data(legacy).write(to: URL(fileURLWithPath: outbox + "/Tờ trình 17.json"))
        #expect(try spool.once().status == 0)
        #expect(spool.archived().count == 1, "the UTF-16 sidecar is read: \(spool.visible(spool.rejected()))")
        let said = text(spool.rejected() + "/Tờ trình 17.reason.txt")
        #expect(said.contains("Tệp mô tả không được lưu bằng bảng mã UTF-8"), "\(said)")
        #expect(said.contains("chọn File › Save As…, ở mục Encoding chọn UTF-8"), "\(said)")
    }

    @Test func reasonFilesCopiedBackWithAFixedDropAreNeverSent() throws {
        let spool = try OfficeSpool(label: "copied-back")
        let outbox = spool.outbox()
        let rejected = spool.rejected()
        try Data(OfficeSpool.pdf("12")).write(to: URL(fileURLWithPath: outbox + "/Tờ trình 12.pdf"))
        try write(outbox + "/Tờ trình 12.json", Fixtures.sidecar(to: ["000.00.09.H53"], number: "12"))
        #expect(try spool.once().status == 0)
        #expect(spool.visible(rejected) == ["Tờ trình 12.json", "Tờ trình 12.pdf", "Tờ trình 12.reason.txt"])
        // The clerk fixes the sidecar and copies all three files back ("chép lại tất cả các tệp").
        for name in spool.visible(rejected) {
            try FileManager.default.copyItem(atPath: rejected + "/" + name, toPath: outbox + "/" + name)
        }
        try write(outbox + "/Tờ trình 12.json", Fixtures.sidecar(number: "12"))
        #expect(try spool.once().status == 0)
        #expect(spool.archived().count == 1)
        #expect(spool.visible(outbox).isEmpty, "\(spool.visible(outbox))")
        #expect(
            !spool.visible(rejected).contains { $0.hasSuffix(".reason.txt.reason.txt") }, "\(spool.visible(rejected))")
        #expect(spool.visible(rejected).contains("Tờ trình 12.reason.txt"))
        let packet = try #require(spool.archived().values.first)
        let files = (packet["files"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(!files.contains { $0.hasSuffix(".reason.txt") }, "\(files)")
    }

    @Test func everyAgencyFolderHoldsTheOfficesCodes() throws {
        let spool = try OfficeSpool(label: "codes")
        #expect(try spool.once().status == 0)
        for code in [OfficeSpool.sender] + OfficeSpool.recipients {
            let list = text(spool.root + "/agencies/\(code)/DANH SÁCH CƠ QUAN.txt")
            #expect(list.hasPrefix("DANH SÁCH CƠ QUAN — LienThong"), "\(list)")
            for listed in [OfficeSpool.sender] + OfficeSpool.recipients { #expect(list.contains(listed)) }
        }
    }
}
