import Foundation
import TestSupport
import Testing

/// `lienthong record …` on the built binary: a clerk's sidecar names the record; an archivist describes it, puts
/// the recipient's copy into the recipient's own record, prints the year's list; an index made again says the same.
@Suite struct RecordCommandTests {
    @Test func theClerksFileCodeFillsTheRecordAndTheListPrints() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "records")
        let year = Int(Fixtures.localDate(0).prefix(4))!  // the documents' issue year (Vietnam time)
        let outbox = spool.outbox()
        for number in 1...3 {
            try Data(OfficeSpool.pdf("hs\(number)")).write(to: URL(fileURLWithPath: outbox + "/hs\(number).pdf"))
            let sidecar = Fixtures.sidecar(to: ["000.00.01.H53"], number: "\(number)", subject: "Tuyển dụng \(number)")
                .replacingOccurrences(
                    of: "\"priority\"",
                    with:
                        "\"fileCode\": \"\(number < 3 ? "05-TCCB" : "000.00.00.H53.\(year).06-KH")\", \"pageAmount\": \(number + 1), \"priority\""
                )
            try sidecar.write(toFile: outbox + "/hs\(number).json", atomically: false, encoding: .utf8)
        }
        #expect(try spool.once().status == 0)
        let code = "000.00.00.H53.\(year).05-TCCB"
        let shown = try spool.admin(["record", "show", code, "--json"])
        #expect(shown.status == 0, "\(shown.output)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let packets = try #require(answer["packets"] as? [String])
        let record = try #require(answer["record"] as? [String: Any])
        #expect(packets.count == 2 && record["docTotal"] as? Int == 2 && record["pageTotal"] as? Int == 2 + 3)
        // The full FileCode in a sidecar names the same kind of record.
        #expect(try spool.admin(["record", "show", "000.00.00.H53.\(year).06-KH"]).status == 0)

        let set = try spool.admin([
            "record", "set", code, "--title", "Hồ sơ tuyển dụng công chức", "--maintenance", "20 năm", "--creator",
            "Nguyễn Thị B",
        ])
        #expect(set.status == 0 && set.stdout.contains("Hồ sơ tuyển dụng công chức"), "\(set.output)")
        // The recipient files its copy in a record of its own; the sender's record keeps its copy.
        #expect(
            try spool.admin(["record", "create", "01-DEN", "--agency", "000.00.01.H53", "--year", "\(year)"]).status
                == 0)
        #expect(try spool.admin(["record", "add", "000.00.01.H53.\(year).01-DEN", packets[0]]).status == 0)
        let stillTwo = try spool.admin(["record", "show", code, "--json"])
        #expect(stillTwo.stdout.contains(packets[0]) && stillTwo.stdout.contains(packets[1]))
        // Not a packet the agency neither sent nor received; not a notation that could name a folder outside.
        #expect(
            try spool.admin(["record", "create", "../x", "--agency", "000.00.01.H53", "--year", "\(year)"]).status == 1)
        let foreign = try spool.admin([
            "record", "add", "000.00.01.H53.\(year).01-DEN", "20260101-000000-000-AAAAAAAAAA",
        ])
        #expect(foreign.status == 1)

        // The year's list of records, printable and as CSV.
        let html = spool.directory.file("danh-muc.html")
        #expect(
            try spool.admin(["record", "list", "--agency", "000.00.00.H53", "--year", "\(year)", "-o", html]).status
                == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("Danh mục hồ sơ năm \(year)") && page.contains("Hồ sơ tuyển dụng công chức"))
        let csv = try spool.admin(["record", "list", "--agency", "000.00.00.H53", "--year", "\(year)"]).stdout
        #expect(csv.split(whereSeparator: \.isNewline).count == 1 + 2, "\(csv)")

        // The journal is the truth: a rebuilt index answers the same.
        let before = try spool.admin(["record", "show", code, "--json"]).stdout
        #expect(try spool.admin(["index", "rebuild"]).status == 0)
        let after = try spool.admin(["record", "show", code, "--json"]).stdout
        #expect(after == before, "\(before)\n\(after)")
        #expect(
            try spool.admin(["record", "show", "000.00.01.H53.\(year).01-DEN", "--json"]).stdout.contains(packets[0]))
    }
}
