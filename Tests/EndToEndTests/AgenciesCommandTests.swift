import Foundation
import TestSupport
import Testing

/// `lienthong agencies`: a clerk (or the admin) looks up the codes of the office's agencies, with their names,
/// inboxes and certificates' expiry; `--json` for programs (issue 13).
@Suite struct AgenciesCommandTests {
    @Test func everyAgencyIsListedWithItsNameInboxAndCertificate() throws {
        let office = try OfficeSpool(label: "agencies")
        let share = office.directory.file("share/inbox")
        let interior = office.root + "/agencies/000.00.02.H53/agency.yaml"
        try (String(contentsOfFile: interior, encoding: .utf8) + "\ninbox: \(share)\n")
            .write(toFile: interior, atomically: true, encoding: .utf8)
        // The district's certificate file is damaged: it is listed, with why its expiry is unknown.
        try "not a certificate".write(
            toFile: office.root + "/agencies/000.00.03.H53/certificate.pem", atomically: true,
            encoding: .utf8)

        let listed = try CLI.lienthong(["agencies", "--json", "--spool", office.root])
        #expect(listed.status == 0, "\(listed.output)")
        let agencies = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(
            agencies.compactMap { $0["code"] as? String } == [
                "000.00.00.H53", "000.00.01.H53", "000.00.02.H53", "000.00.03.H53",
            ])
        let byCode = Dictionary(uniqueKeysWithValues: agencies.map { ($0["code"] as? String ?? "", $0) })
        #expect(byCode["000.00.03.H53"]?["name"] as? String == "Ủy ban nhân dân huyện Đông Hưng")
        #expect(byCode["000.00.01.H53"]?["inbox"] as? String == office.inbox("000.00.01.H53"))
        #expect(byCode["000.00.01.H53"]?["inboxConfigured"] as? Bool == false)
        #expect(byCode["000.00.02.H53"]?["inbox"] as? String == share)
        #expect(byCode["000.00.02.H53"]?["inboxConfigured"] as? Bool == true)
        let expires = try #require(byCode["000.00.00.H53"]?["certificateExpires"] as? String)
        #expect(expires.hasSuffix("+07:00"), "in the office's time zone: \(expires)")
        #expect(byCode["000.00.03.H53"]?["certificateExpires"] is NSNull)
        #expect(byCode["000.00.03.H53"]?["certificateProblem"] is String)

        let text = try CLI.lienthong(["agencies", "--spool", office.root])
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("000.00.03.H53       Ủy ban nhân dân huyện Đông Hưng"), "\(text.stdout)")
        #expect(text.stdout.contains("hộp thư đến: \(share) (thư mục dùng chung)"), "\(text.stdout)")
        #expect(text.stdout.contains("chứng thư số: KHÔNG ĐỌC ĐƯỢC"), "\(text.stdout)")
        #expect(
            text.stdout.firstMatch(of: /có hiệu lực đến ngày \d{2}\/\d{2}\/\d{4}/) != nil, "dd/mm/yyyy: \(text.stdout)")
    }

    @Test func aFolderThatIsNotASpoolIsRefused() throws {
        let directory = TemporaryDirectory("lienthong-agencies-none")
        let result = try CLI.lienthong(["agencies", "--spool", directory.file("nowhere")])
        #expect(result.status == 2, "\(result.output)")
    }
}
