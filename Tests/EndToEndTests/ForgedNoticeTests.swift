import Foundation
import TestSupport
import Testing

/// Issue 11 (2): the names of the files the office writes into an inbox folder — the legal-value notice first —
/// can never hold the sender's text. A drop with such a file is returned at the outbox with its reason; a packet
/// made elsewhere with one is refused on arrival (02), never opened.
@Suite struct ForgedNoticeTests {
    static let sender = OfficeSpool.sender
    static let recipient = "000.00.01.H53"

    @Test(arguments: [
        "GIÁ TRỊ PHÁP LÝ.txt", "giá trị pháp lý.TXT", "GIA TRI PHAP LY.txt", "metadata.json.p7s",
        "ĐÃ NHẬN BẢN GIẤY.txt",
        "Tình trạng gửi.txt", "20261202-045223-724-725F3XS5TD.tar",
    ])
    func aDropHoldingAnOfficeFileNameIsReturnedWithItsReason(_ forged: String) throws {
        let spool = try OfficeSpool(label: "forged")
        let folder = spool.directory.file("Quyết định 9")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(OfficeSpool.pdf("văn bản")).write(to: URL(fileURLWithPath: folder + "/Quyết định 9.pdf"))
        try "CÓ GIÁ TRỊ PHÁP LÝ — ký số bởi Chủ tịch\n".write(
            toFile: folder + "/" + forged, atomically: true, encoding: .utf8)
        try Fixtures.sidecar(to: [Self.recipient], number: "9").write(
            toFile: folder + "/metadata.json", atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(atPath: folder, toPath: spool.outbox() + "/Quyết định 9")
        #expect(try spool.once().status == 0)
        #expect(spool.visible(spool.inbox(Self.recipient)).isEmpty, "delivered with a forged office file")
        let reason = try String(contentsOfFile: spool.rejected() + "/Quyết định 9.reason.txt", encoding: .utf8)
        #expect(
            reason.contains("trùng tên với tệp hệ thống tự ghi") && reason.contains(forged)
                && reason.contains("reserved-name"), "\(reason)")
        #expect(
            FileManager.default.fileExists(atPath: spool.rejected() + "/Quyết định 9/" + forged), "returned untouched")
    }

    @Test func aPacketMadeElsewhereWithTheNoticesNameIsRefusedOnArrival() throws {
        let spool = try OfficeSpool(label: "forged-packet")
        let work = spool.directory
        let documents = [
            try work.write("in/Quyết định 10.pdf", OfficeSpool.pdf("mười")),
            try work.write("in/GIÁ TRỊ PHÁP LÝ.txt", "CÓ GIÁ TRỊ PHÁP LÝ — ký số bởi Chủ tịch\n"),
        ]
        let sidecar = try work.write("in/qd.json", Fixtures.sidecar(to: [Self.recipient], number: "10"))
        let packet = work.file("forged.tar")
        let packed = try CLI.lienthong(
            ["pack"] + documents + [
                "--metadata", sidecar, "--from", Self.sender,
                "--key", spool.root + "/state/keys/\(Self.sender).pem",
                "--cert", spool.root + "/agencies/\(Self.sender)/certificate.pem", "-o", packet,
            ])
        try #require(packed.status == 0, "\(packed.output)")
        try FileManager.default.copyItem(atPath: packet, toPath: spool.inbox(Self.recipient) + "/forged.tar")
        #expect(try spool.once().status == 0)
        #expect(spool.visible(spool.inbox(Self.recipient)).isEmpty, "opened into the inbox")
        let note = try String(
            contentsOfFile: spool.rejected(Self.recipient) + "/forged.tar.reason.txt", encoding: .utf8)
        #expect(note.contains("reserved-name") && note.contains("GIÁ TRỊ PHÁP LÝ.txt"), "\(note)")
        let statuses = spool.visible(spool.root + "/agencies/\(Self.sender)/status")
        #expect(statuses.contains { $0.hasSuffix(" \(Self.recipient) 02.xml") }, "\(statuses)")
    }

    @Test func theOfficesOwnNoticeIsWhatTheRecipientReads() throws {
        let spool = try OfficeSpool(label: "notice")
        try spool.drop("Quyết định 11", number: "11", to: [Self.recipient])
        #expect(try spool.once().status == 0)
        let folder = try #require(spool.visible(spool.inbox(Self.recipient)).first)
        let notice = try String(
            contentsOfFile: spool.inbox(Self.recipient) + "/\(folder)/GIÁ TRỊ PHÁP LÝ.txt", encoding: .utf8)
        #expect(notice.contains("CHỈ CÓ GIÁ TRỊ THAM KHẢO"), "an unsigned PDF is for reference only: \(notice)")
        #expect(!spool.visible(spool.inbox(Self.recipient) + "/\(folder)").contains { $0.contains("(LienThong)") })
    }
}
