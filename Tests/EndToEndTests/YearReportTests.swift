import Foundation
import TestSupport
import Testing

/// `lienthong report year` on the built binary: a year made with libfaketime (last year, so any later date works):
/// documents sent on time and late, one returned to its clerk, a packet file refused on arrival, a route down past
/// the threshold (an incident, documents in the paper log, one handed over on paper), then back. Its figures equal
/// those `Tests/Tools/year_report_reference.py` computes on its own from the journal and the paper log; the page
/// renders in headless Chromium (the screenshot is kept with the test output).
@Suite struct YearReportTests {
    static let away = "000.00.02.H53"

    func drop(_ spool: OfficeSpool, _ name: String, to: String, number: Int, issued: String, subject: Bool = true)
        throws
    {
        let outbox = spool.outbox()
        try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: outbox + "/\(name).pdf"))
        var sidecar = Fixtures.sidecar(
            to: [to], number: "\(number)", subject: "Báo cáo \(name)", priority: "thuong", issued: issued)
        if !subject { sidecar = sidecar.replacingOccurrences(of: "\"subject\": \"Báo cáo \(name)\",", with: "") }
        try sidecar.write(toFile: outbox + "/\(name).json", atomically: false, encoding: .utf8)
    }

    static func day(_ date: Date, plus days: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let moved = calendar.date(byAdding: .day, value: days, to: date)!
        let parts = calendar.dateComponents([.year, .month, .day], from: moved)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func theYearsFiguresEqualThoseComputedFromTheJournalAndTheReportRenders() throws {
        let (_, year, june, _, _) = YearCloseTests.lastYear()
        let spool = try RotationTests.spool("year-report", madeBefore: june)
        let root = spool.root
        try spool.setInbox(Self.away, spool.directory.file("share-02"))  // not mounted: its deliveries wait

        // 10:00: sent the day they were issued (on time), issued three days before (late), one without a subject
        // (returned), one to the agency whose share is down.
        try drop(spool, "ngay", to: RotationTests.recipient, number: 1, issued: Self.day(june))
        try drop(spool, "som", to: RotationTests.recipient, number: 2, issued: Self.day(june))
        try drop(spool, "muon", to: RotationTests.recipient, number: 3, issued: Self.day(june, plus: -3))
        try drop(spool, "thieu", to: RotationTests.recipient, number: 4, issued: Self.day(june), subject: false)
        try drop(spool, "xa", to: Self.away, number: 5, issued: Self.day(june))
        try #require(try RotationTests.at(june, ["watch", "--once", "--spool", root]).status == 0)
        // 15:00: the route has been down five hours (past the 4 h threshold): an incident, the paper log.
        let afternoon = june.addingTimeInterval(5 * 3600)
        try drop(spool, "chieu", to: Self.away, number: 6, issued: Self.day(june))
        try #require(try RotationTests.at(afternoon, ["watch", "--once", "--spool", root]).status == 0)
        let waiting = try ProcessRunner.run(
            "sqlite3", [root + "/state/index.sqlite", "SELECT packetId FROM packet WHERE codeNumber = '5'"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let paper = try RotationTests.at(
            afternoon.addingTimeInterval(1800),
            ["fallback", "handover", waiting, "--to", Self.away, "--by", "Trần Thị B", "--spool", root])
        #expect(paper.status == 0, "\(paper.output)")
        // The next morning the share is back; a packet file that is not one is refused on arrival.
        try FileManager.default.createDirectory(
            atPath: spool.directory.file("share-02"), withIntermediateDirectories: true)
        try Data("không phải gói tin".utf8).write(
            to: URL(fileURLWithPath: spool.inbox(RotationTests.recipient) + "/20990101-000000-000-AAAAAAAAAA.tar"))
        let morning = june.addingTimeInterval(24 * 3600)
        try #require(try RotationTests.at(morning, ["watch", "--once", "--spool", root]).status == 0)
        try #require(
            try RotationTests.at(morning.addingTimeInterval(600), ["watch", "--once", "--spool", root]).status == 0)

        // The report's figures against the reference computed from the journal and the paper log.
        let report = try spool.admin(["report", "year", String(year), "--format", "json"])
        try #require(report.status == 0, "\(report.output)")
        let reference = try ProcessRunner.run(
            "python3", [Project.file("Tests/Tools/year_report_reference.py"), root, String(year)])
        try #require(reference.status == 0, "\(reference.output)")
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String: Any])
        let expected = try #require(theirs["agencies"] as? [String: [String: Any]])
        let rows = try #require(ours["agencies"] as? [[String: Any]])
        let keys = [
            "sent", "onTime", "late", "received", "receivedOnPaper", "meanRegistrationMilliseconds",
            "maxRegistrationMilliseconds", "refused", "returned", "outages", "outageWorkingSeconds", "paperLogged",
            "paperHandedOver",
        ]
        for row in rows {
            let code = try #require(row["agency"] as? String)
            let other = expected[code] ?? [:]
            for key in keys {
                let empty: Any =
                    ["refused", "returned"].contains(key) ? [String: Int]() : key.contains("Milli") ? NSNull() : 0
                let mine = canonical(row[key] ?? NSNull())
                let reference = canonical(other[key] ?? empty)
                #expect(mine == reference, "\(code) \(key): report \(mine), reference \(reference)")
            }
        }
        #expect(Set(expected.keys).isSubset(of: Set(rows.compactMap { $0["agency"] as? String })))
        #expect("\(ours["office"] ?? "")".count > 0)
        let office = try #require(ours["office"] as? [String: Any])
        let officeReference = try #require(theirs["office"] as? [String: Any])
        #expect("\(office["outages"] ?? "")" == "\(officeReference["outages"] ?? "")")
        // What the year holds, so that the comparison is not of zeros.
        let sender = try #require(rows.first { $0["agency"] as? String == OfficeSpool.sender })
        #expect(sender["sent"] as? Int == 5 && sender["late"] as? Int == 1, "\(sender)")
        #expect((sender["returned"] as? [String: Any])?.isEmpty == false, "\(sender)")
        let away = try #require(rows.first { $0["agency"] as? String == Self.away })
        #expect(
            away["outages"] as? Int == 1 && away["paperLogged"] as? Int == 2 && away["paperHandedOver"] as? Int == 1,
            "\(away)")
        let near = try #require(rows.first { $0["agency"] as? String == RotationTests.recipient })
        #expect(near["received"] as? Int == 3 && (near["refused"] as? [String: Any])?.isEmpty == false, "\(near)")

        // CSV and the printable page; the page in a real browser.
        let csv = try spool.admin(["report", "year", String(year), "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.contains("Văn bản đi") && csv.stdout.contains(OfficeSpool.sender))
        let html = spool.directory.file("bao-cao-\(year).html")
        #expect(try spool.admin(["report", "year", String(year), "-o", html]).status == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg") && !page.contains("<script"), "charts are SVG, and there is no script")
        let browser = try Browser()
        let dom = try browser.dumpDOM("file://" + html)
        #expect(dom.contains("Báo cáo tình hình trao đổi văn bản điện tử năm \(year)") && dom.contains("<rect"))
        let output = Project.file(".build/test-output")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let screenshot = output + "/bao-cao-nam.png"
        try browser.screenshot("file://" + html, to: screenshot)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.count > 10_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "screenshot: \(screenshot)")
        print("yearly report screenshot: \(screenshot)")
    }

    /// A JSON value as sorted, compact text (3, 3.0 and 3.000 alike).
    func canonical(_ value: Any) -> String {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
