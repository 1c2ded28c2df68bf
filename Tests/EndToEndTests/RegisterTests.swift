import Foundation
import TestSupport
import Testing

/// The registers of Decree 30/2020 App. IV, as a clerk gets them from `lienthong register`: the CSV opens in a
/// spreadsheet with Vietnamese intact, the HTML opens in a browser and prints on A4 landscape, documents sent after
/// the next working morning are marked late, and the incoming register numbers local and outside arrivals alike.
@Suite struct RegisterTests {
    static let sender = "000.00.00.H53"
    static let recipient = "000.00.01.H53"
    static let outsider = "000.00.03.H53"

    static let outgoingHeadings = [
        "Số, ký hiệu", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký", "Nơi nhận",
        "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]
    static let incomingHeadings = [
        "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
    ]

    /// The local date in Vietnam, `days` from today.
    static func localDate(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    static func sidecar(
        number: String, notation: String = "QĐ-UBND", issued: String, subject: String, to: [String],
        extra: String = ""
    ) -> String {
        """
        { "codeNumber": "\(number)", "codeNotation": "\(notation)", "issuedDate": "\(issued)", "typeName": "Quyết định",
          "subject": "\(subject)", "signerInfo": { "competence": "TM.", "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
          "to": [\(to.map { "\"\($0)\"" }.joined(separator: ", "))]\(extra) }
        """
    }

    /// A spool where the province sent three documents (one on time, one late, one secret) and an outside packet
    /// from another agency was placed in the recipient's inbox.
    /// `today` is the date the documents are issued on (the late one ten days before): the registers a test reads
    /// are those of these dates' years, not of whatever day the test has reached meanwhile (New Year's Eve).
    static func sentAndReceived(today: String) throws -> OfficeSpool {
        let spool = try OfficeSpool(label: "registers")
        let outbox = spool.outbox(sender)
        let documents: [(String, String)] = [
            (
                "ontime",
                sidecar(
                    number: "11", issued: today, subject: "Về việc ban hành quy chế, \\\"mẫu\\\" 2026",
                    to: [recipient, "000.00.02.H53"])
            ),
            (
                "late",
                sidecar(
                    number: "12", issued: Fixtures.date(today, plusDays: -10),
                    subject: "Về việc kiểm tra công tác văn thư", to: [recipient])
            ),
            (
                "secret",
                sidecar(
                    number: "13", issued: today, subject: "Về việc bảo vệ bí mật nhà nước", to: [recipient],
                    extra: ", \"secrecy\": \"mat\"")
            ),
        ]
        for (name, json) in documents {
            try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: outbox + "/\(name).pdf"))
            try json.write(toFile: outbox + "/\(name).json", atomically: true, encoding: .utf8)
        }
        // A packet made elsewhere by another agency's office and placed in the recipient's inbox.
        let input = try PackInput.make(
            in: spool.directory,
            sidecar: sidecar(
                number: "5", notation: "QĐ-SNV", issued: today,
                subject: "Về việc tuyển dụng công chức", to: [recipient]))
        let outside = spool.directory.file("outside.tar")
        let packed = try input.pack(
            from: outsider, key: spool.root + "/state/keys/\(outsider).pem",
            cert: spool.root + "/agencies/\(outsider)/certificate.pem", to: outside)
        #expect(packed.status == 0, "\(packed.output)")
        try FileManager.default.copyItem(atPath: outside, toPath: spool.inbox(recipient) + "/outside.tar")

        let result = try spool.once()
        #expect(result.status == 0, "\(result.output)")
        let again = try spool.once()  // the arrival is picked up on a pass of its own when it settles after the first
        #expect(again.status == 0, "\(again.output)")
        return spool
    }

    /// Rows of a CSV register read the way a spreadsheet reads it: Python's csv module on UTF-8 with BOM.
    static func spreadsheet(_ path: String) throws -> [[String]] {
        let script = """
            import csv, json, sys
            with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
                print(json.dumps(list(csv.reader(f)), ensure_ascii=False))
            """
        let result = try ProcessRunner.run("python3", ["-c", script, path])
        guard result.status == 0 else { throw ProcessError.failed("csv reader", result) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String]] ?? []
    }

    func register(_ spool: OfficeSpool, _ arguments: [String]) throws -> ProcessResult {
        let result = try CLI.lienthong(["register"] + arguments + ["--spool", spool.root])
        #expect(result.status == 0, "\(result.output)")
        return result
    }

    /// The years (in Vietnam) in which `agency` registered arrivals of `series`, from the journal: the office
    /// numbers by the arrival's year, which may be the next one when a test runs across midnight on 31 December.
    static func arrivalYears(_ spool: OfficeSpool, _ agency: String, series: String = "thuong") -> [String] {
        Set(
            spool.journal().filter {
                ($0["event"] as? String) == "registered" && ($0["recipient"] as? String) == agency
                    && ($0["series"] as? String) == series
            }.compactMap { ($0["year"] as? Int).map(String.init) }
        ).sorted()
    }

    @Test func csvRegistersOpenInASpreadsheetWithVietnameseIntactAndLateSendingMarked() throws {
        let today = Self.localDate(0)
        let spool = try Self.sentAndReceived(today: today)
        let year = String(today.prefix(4))

        let outgoingPath = spool.directory.file("di.csv")
        _ = try register(
            spool, ["outgoing", "--agency", Self.sender, "--year", year, "--format", "csv", "-o", outgoingPath])
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: outgoingPath)))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte order mark")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == text.precomposedStringWithCanonicalMapping, "NFC")
        #expect(
            text.hasSuffix("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends")
        // The late document may be dated in the previous year in the first days of January.
        var outgoing = try Self.spreadsheet(outgoingPath)
        #expect(outgoing.first == Self.outgoingHeadings)
        let lateYear = String(Fixtures.date(today, plusDays: -10).prefix(4))
        if lateYear != year {
            let previous = spool.directory.file("di-previous.csv")
            _ = try register(spool, ["outgoing", "--agency", Self.sender, "--year", lateYear, "-o", previous])
            outgoing += try Self.spreadsheet(previous).dropFirst()
        }
        let byNumber = Dictionary(outgoing.dropFirst().map { ($0[0], $0) }, uniquingKeysWith: { first, _ in first })
        #expect(
            Set(byNumber.keys) == ["11/QĐ-UBND", "12/QĐ-UBND"],
            "the secret document is kept out of the ordinary register")
        let onTime = try #require(byNumber["11/QĐ-UBND"])
        #expect(onTime.count == 10)
        #expect(onTime[2] == "Quyết định: Về việc ban hành quy chế, \"mẫu\" 2026", "commas and quotes survive")
        #expect(onTime[3] == "Nguyễn Văn A (TM. Chủ tịch)")
        #expect(onTime[4] == "Văn phòng Ủy ban nhân dân tỉnh Thái Bình; Sở Nội vụ tỉnh Thái Bình")
        #expect(
            onTime[8].contains("Văn phòng Ủy ban nhân dân tỉnh Thái Bình: số đến"), "the recipients' acknowledgements")
        #expect(!onTime[9].contains("Gửi muộn"))
        let late = try #require(byNumber["12/QĐ-UBND"])
        #expect(late[9].contains("Gửi muộn"), "sent ten days after its date: late (Decision 17/2019 Art 4.2)")

        let secret = try Self.spreadsheet(
            try writeRegister(spool, ["outgoing", "--agency", Self.sender, "--year", year, "--secret"]))
        #expect(secret.dropFirst().map { $0[0] } == ["13/QĐ-UBND"])
        #expect(secret.last?[9].hasPrefix("Mật") == true)

        // Incoming: the local deliveries and the outside packet share one series of arrival numbers from 1 (each
        // year's from 1, should the arrivals have crossed midnight on 31 December).
        var rows: [[String]] = []
        for arrivalYear in Self.arrivalYears(spool, Self.recipient) {
            let incoming = try Self.spreadsheet(
                try writeRegister(spool, ["incoming", "--agency", Self.recipient, "--year", arrivalYear]))
            #expect(incoming.first == Self.incomingHeadings)
            #expect(incoming.dropFirst().map { $0[1] } == (1..<incoming.count).map(String.init), "\(incoming)")
            rows += incoming.dropFirst()
        }
        #expect(rows.count == 3, "\(rows)")
        #expect(Set(rows.map { $0[3] }) == ["11/QĐ-UBND", "12/QĐ-UBND", "5/QĐ-SNV"])
        let outsideRow = try #require(rows.first { $0[3] == "5/QĐ-SNV" })
        #expect(outsideRow[2] == "Ủy ban nhân dân huyện Đông Hưng", "the author is the sending organ")
        #expect(outsideRow[5] == "Quyết định: Về việc tuyển dụng công chức")
        #expect(rows.allSatisfy { $0[9].contains("chỉ có giá trị tham khảo") }, "unsigned PDFs are for reference only")
        let secretYear = try #require(Self.arrivalYears(spool, Self.recipient, series: "mat").first)
        let secretIncoming = try Self.spreadsheet(
            try writeRegister(spool, ["incoming", "--agency", Self.recipient, "--year", secretYear, "--secret"]))
        #expect(
            secretIncoming.dropFirst().map { [$0[1], $0[3]] } == [["1", "13/QĐ-UBND"]],
            "the secret series numbers from 1 on its own")

        // Another year has nothing yet, and says so with the headings alone.
        let empty = try Self.spreadsheet(
            try writeRegister(spool, ["incoming", "--agency", Self.recipient, "--year", "2001"]))
        #expect(empty == [Self.incomingHeadings])
    }

    /// Writes a CSV register to a file and returns its path.
    func writeRegister(_ spool: OfficeSpool, _ arguments: [String]) throws -> String {
        let path = spool.directory.file("register-\(UUID().uuidString.prefix(8)).csv")
        let result = try register(spool, arguments)
        try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func htmlRegistersOpenInABrowserAndPrintOnA4Landscape() throws {
        let browser = try Browser()
        let today = Self.localDate(0)
        let spool = try Self.sentAndReceived(today: today)
        let year = String(today.prefix(4))
        // The registers holding the late document: of the year it is dated in, and of the year it arrived in.
        let lateYear = String(Fixtures.date(today, plusDays: -10).prefix(4))
        let lateArrivalYear =
            spool.journal().first {
                ($0["event"] as? String) == "registered" && ($0["recipient"] as? String) == Self.recipient
                    && (($0["documents"] as? [[String: Any]])?.contains { ($0["name"] as? String) == "late.pdf" }
                        == true)
            }.flatMap { ($0["year"] as? Int).map(String.init) } ?? year
        for (kind, agency, title, headings, registerYear) in [
            ("outgoing", Self.sender, "Sổ đăng ký văn bản đi", Self.outgoingHeadings, lateYear),
            ("incoming", Self.recipient, "Sổ đăng ký văn bản đến", Self.incomingHeadings, lateArrivalYear),
        ] {
            let page = spool.directory.file("\(kind).html")
            _ = try register(spool, [kind, "--agency", agency, "--year", registerYear, "--format", "html", "-o", page])
            let dom = try browser.dumpDOM("file://" + page)
            #expect(dom.contains("<h1>\(title)</h1>"), "\(kind): the browser decodes the Vietnamese title")
            for heading in headings {
                #expect(dom.contains("<th>\(heading)</th>"), "\(kind): column \(heading)")
            }
            #expect(dom.contains("Quyết định: Về việc kiểm tra công tác văn thư"))
            #expect(!dom.contains("bảo vệ bí mật nhà nước"), "secret documents are in their own register")
            let pages = try browser.printToPDF("file://" + page, to: spool.directory.file("\(kind).pdf"))
            #expect(!pages.isEmpty)
            for size in pages {
                // A4 landscape: 297 × 210 mm = 841.9 × 595.3 points.
                #expect(abs(size.width - 841.9) < 2 && abs(size.height - 595.3) < 2, "\(kind): page \(size)")
            }
        }
        // Text from clerks' sidecars is escaped, never markup.
        let outbox = spool.outbox(Self.sender)
        try Data(OfficeSpool.pdf("markup")).write(to: URL(fileURLWithPath: outbox + "/markup.pdf"))
        let markupIssued = Self.localDate(0)
        try Self.sidecar(
            number: "14", issued: markupIssued, subject: "Về việc <b>thử</b> & <script>alert(1)</script>",
            to: [Self.recipient]
        ).write(toFile: outbox + "/markup.json", atomically: true, encoding: .utf8)
        #expect(try spool.once().status == 0)
        let html = try register(
            spool, ["outgoing", "--agency", Self.sender, "--year", String(markupIssued.prefix(4)), "--format", "html"]
        ).stdout
        #expect(html.contains("Về việc &lt;b&gt;thử&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
    }

    @Test func registerRefusesUnknownAgenciesAndBadYearsAndUsesTheOfficesOwnTemplates() throws {
        let spool = try OfficeSpool(label: "registers-usage")
        let unknown = try CLI.lienthong(["register", "incoming", "--agency", "000.00.09.H53", "--spool", spool.root])
        #expect(unknown.status == 2 && unknown.stderr.contains("not registered"), "\(unknown.output)")
        let malformed = try CLI.lienthong(["register", "incoming", "--agency", "UBND", "--spool", spool.root])
        #expect(malformed.status == 2, "\(malformed.output)")
        let kind = try CLI.lienthong(["register", "sideways", "--agency", Self.sender, "--spool", spool.root])
        #expect(kind.status == 2, "\(kind.output)")
        let year = try CLI.lienthong([
            "register", "outgoing", "--agency", Self.sender, "--year", "99999", "--spool", spool.root,
        ])
        #expect(year.status == 2, "\(year.output)")

        // An office's own template in the spool's templates/ is used instead of the shipped one; a broken one is named.
        try FileManager.default.createDirectory(atPath: spool.root + "/templates", withIntermediateDirectories: true)
        let shipped = try String(
            contentsOfFile: Project.file("Templates/register-incoming.html.mustache"), encoding: .utf8)
        try shipped.replacingOccurrences(of: "<h1>{{title}}</h1>", with: "<h1>{{agencyName}} — {{title}}</h1>")
            .write(toFile: spool.root + "/templates/register-incoming.html.mustache", atomically: true, encoding: .utf8)
        let local = try CLI.lienthong([
            "register", "incoming", "--agency", Self.recipient, "--format", "html", "--spool", spool.root,
        ])
        #expect(
            local.status == 0
                && local.stdout.contains("<h1>Văn phòng Ủy ban nhân dân tỉnh Thái Bình — Sổ đăng ký văn bản đến</h1>"),
            "\(local.output)")
        let outgoing = try CLI.lienthong([
            "register", "outgoing", "--agency", Self.sender, "--format", "html", "--spool", spool.root,
        ])
        #expect(
            outgoing.status == 0 && outgoing.stdout.contains("<h1>Sổ đăng ký văn bản đi</h1>"),
            "the other template is still the shipped one")
        try "<h1>{{#rows}}</h1>".write(
            toFile: spool.root + "/templates/register-incoming.html.mustache", atomically: true, encoding: .utf8)
        let broken = try CLI.lienthong([
            "register", "incoming", "--agency", Self.recipient, "--format", "html", "--spool", spool.root,
        ])
        #expect(broken.status != 0 && broken.stderr.contains("register-incoming.html.mustache"), "\(broken.output)")
    }
}
