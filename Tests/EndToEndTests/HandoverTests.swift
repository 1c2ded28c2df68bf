import Foundation
import TestSupport
import Testing

/// `lienthong handover` on the built binary: two records of a year handed over as one BagIt bag that bagit.py
/// validates, with the App. V list, the minute whose counts are the bag's, packets that still verify, a signed
/// manifest; the third record, not handed over, is warned about 30 days before its deadline.
@Suite struct HandoverTests {
    static let sender = OfficeSpool.sender

    @Test func recordsOfAYearGoToTheArchiveAsOneBagThatValidates() throws {
        let (_, year, june, _, _) = YearCloseTests.lastYear()
        let spool = try RotationTests.spool("handover", madeBefore: june)
        let root = spool.root
        let outbox = spool.outbox()
        let notations = ["01-TCCB", "01-TCCB", "02-KH", "03-BC"]
        for (number, notation) in notations.enumerated() {
            let name = "hs\(number + 1)"
            try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: outbox + "/\(name).pdf"))
            let issued = String(format: "%04d-06-%02d", year, 1 + number)
            let sidecar = Fixtures.sidecar(to: [RotationTests.recipient], number: "\(number + 1)", issued: issued)
                .replacingOccurrences(
                    of: "\"priority\"", with: "\"fileCode\": \"\(notation)\", \"pageAmount\": 2, \"priority\"")
            try sidecar.write(toFile: outbox + "/\(name).json", atomically: false, encoding: .utf8)
        }
        let run = try RotationTests.at(june, ["watch", "--once", "--spool", root])
        try #require(run.status == 0, "\(run.output)")
        for (notation, title) in [("01-TCCB", "Hồ sơ tuyển dụng"), ("02-KH", "Kế hoạch công tác năm")] {
            let set = try spool.admin([
                "record", "set", "\(Self.sender).\(year).\(notation)", "--title", title, "--maintenance", "20 năm",
            ])
            #expect(set.status == 0, "\(set.output)")
        }
        let target = spool.directory.file("luu-tru-co-quan")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let hash = try spool.treeHash()
        let dry = try spool.admin([
            "handover", "--agency", Self.sender, "--year", "\(year)", "--records", "01-TCCB", "02-KH", "--to", target,
            "--dry-run",
        ])
        #expect(dry.status == 0 && dry.stdout.contains("--dry-run"), "\(dry.output)")
        #expect(try spool.treeHash() == hash && (try FileManager.default.contentsOfDirectory(atPath: target)).isEmpty)
        let handed = try spool.admin([
            "handover", "--agency", Self.sender, "--year", "\(year)", "--records", "01-TCCB", "02-KH", "--to", target,
            "--reason", "nộp lưu hồ sơ năm \(year)",
        ])
        #expect(handed.status == 0, "\(handed.output)")
        let bags = try FileManager.default.contentsOfDirectory(atPath: target)
        #expect(bags.count == 1 && bags[0].hasPrefix("nop-luu-\(Self.sender)-\(year)-"), "\(bags)")
        let bag = target + "/" + bags[0]

        // The Library of Congress's own validator accepts it.
        let validated = try ProcessRunner.run("bagit.py", ["--validate", bag])
        #expect(validated.status == 0, "\(validated.output)")
        // The App. V list: its 7 columns, one row per record.
        let list = try String(contentsOfFile: bag + "/data/muc-luc-ho-so.csv", encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        #expect(
            list.first?.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}"))
                == "Số TT,\"Số, ký hiệu hồ sơ\",Tiêu đề hồ sơ,Thời gian tài liệu,Thời hạn bảo quản,Số tờ/số trang,Ghi chú"
        )
        #expect(list.count == 1 + 2 && list[1].hasPrefix("1,01-TCCB,Hồ sơ tuyển dụng,"), "\(list)")
        // The minute's counts are the bag's contents.
        let files = try ProcessRunner.run("find", [bag + "/data/ho-so", "-type", "f"]).stdout
            .split(separator: "\n").map(String.init)
        let folders = try FileManager.default.contentsOfDirectory(atPath: bag + "/data/ho-so")
        let minute = try String(contentsOfFile: bag + "/data/bien-ban-giao-nhan.html", encoding: .utf8)
        #expect(folders.sorted() == ["01-TCCB", "02-KH"] && files.count == 2 * 3)
        #expect(minute.contains("\(folders.count) hồ sơ, gồm 3 văn bản điện tử"), "\(minute)")
        #expect(minute.contains("\(files.count) tệp tin") && minute.contains("Toàn vẹn"), "\(minute)")
        // Every packet inside still verifies on its own; the manifest's signature too.
        for file in files where file.hasSuffix(".tar") {
            let verified = try CLI.lienthong([
                "verify", file, "--trust", root + "/trust/ca", "--spool", root,
            ])
            #expect(verified.status == 0, "\(file): \(verified.output)")
        }
        let signed = try ProcessRunner.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", bag + "/manifest-sha256.txt.p7s", "-content",
                bag + "/manifest-sha256.txt", "-CAfile", root + "/trust/ca/lienthong-demo-root-ca.pem", "-out",
                "/dev/null",
            ])
        #expect(signed.status == 0, "\(signed.output)")
        // The record-level metadata of App. VI.
        let metadata = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bag + "/data/ho-so.json")))
                as? [String: Any])
        let records = try #require(metadata["records"] as? [[String: Any]])
        #expect(
            records.map { $0["FileCode"] as? String } == [
                "\(Self.sender).\(year).01-TCCB", "\(Self.sender).\(year).02-KH",
            ])
        #expect(records[0]["DocTotal"] as? Int == 2 && records[0]["PageTotal"] as? Int == 4)

        // Journaled; the packets are marked handed over; a second hand-over of the same record is refused.
        #expect(spool.records("admin").contains { $0["action"] as? String == "handover" })
        let packet = try #require(records[0]["packets"] as? [[String: Any]]).first?["packetId"] as? String
        let shown = try spool.admin(["archive", "show", try #require(packet)])
        #expect(shown.stdout.contains("handed over: to the agency archive"), "\(shown.output)")
        let again = try spool.admin([
            "handover", "--agency", Self.sender, "--year", "\(year)", "--records", "02-KH", "--to", target,
        ])
        #expect(again.status == 1 && again.output.contains("handed over already"), "\(again.output)")
        #expect(try spool.verifyJournal().status == 0)

        // The record left is warned about from 30 days before the end of the next year, and after it.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let early = calendar.date(from: DateComponents(year: year + 1, month: 11, day: 15, hour: 9))!
        let soon = calendar.date(from: DateComponents(year: year + 1, month: 12, day: 10, hour: 9))!
        let late = calendar.date(from: DateComponents(year: year + 2, month: 1, day: 5, hour: 9))!
        let quiet = try RotationTests.at(early, ["doctor", "--spool", root])
        #expect(!quiet.stdout.contains("[handover-"), "\(quiet.output)")
        let due = try RotationTests.at(soon, ["doctor", "--spool", root])
        #expect(due.stdout.contains("[handover-due]") && due.stdout.contains("\(Self.sender) \(year)"), "\(due.output)")
        let overdue = try RotationTests.at(late, ["doctor", "--spool", root])
        #expect(overdue.stdout.contains("[handover-overdue]"), "\(overdue.output)")
    }
}
