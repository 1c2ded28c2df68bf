import Foundation
import TestSupport
import Testing

/// `lienthong journal show` (issue 14, item 5): the journal's records readably or as JSON, by kind and from a time.
@Suite struct JournalShowTests {
    @Test func listsRecordsByKindAndTimeReadablyAndAsJSON() throws {
        let spool = try OfficeSpool(label: "journal-show")
        try spool.drop("Quyết định 5", number: "5")
        #expect(try spool.once().status == 0)
        let written = spool.journal()

        let all = try CLI.lienthong(["journal", "show", "--json", "--spool", spool.root])
        #expect(all.status == 0, "\(all.output)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == written.count && records.count > 3)
        #expect(records.compactMap { $0["seq"] as? Int } == Array(1...written.count))

        let packed = try CLI.lienthong([
            "journal", "show", "--kind", "packed", "--kind", "delivered", "--json", "--spool", spool.root,
        ])
        let kinds = try #require(try JSONSerialization.jsonObject(with: Data(packed.stdout.utf8)) as? [[String: Any]])
        #expect(Set(kinds.compactMap { $0["event"] as? String }) == ["packed", "delivered"])
        #expect(kinds.count == written.filter { ["packed", "delivered"].contains($0["event"] as? String ?? "") }.count)

        let readable = try CLI.lienthong(["journal", "show", "--kind", "packed", "--spool", spool.root])
        #expect(readable.status == 0)
        #expect(readable.stdout.hasPrefix("#") && readable.stdout.contains("  packed  "), "\(readable.stdout)")
        #expect(
            readable.stdout.range(
                of: #"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}"#, options: .regularExpression) != nil)

        // A time after every record: nothing; a limit: the first ones.
        let later = try CLI.lienthong([
            "journal", "show", "--since", Fixtures.date(Fixtures.localDate(0), plusDays: 2), "--json", "--spool",
            spool.root,
        ])
        #expect(
            later.status == 0 && later.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(later.output)"
        )
        let two = try CLI.lienthong(["journal", "show", "--limit", "2", "--json", "--spool", spool.root])
        #expect((try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as? [Any])?.count == 2)

        let bad = try CLI.lienthong(["journal", "show", "--since", "hôm qua", "--spool", spool.root])
        #expect(bad.status == 2 && bad.stderr.contains("không phải thời điểm hợp lệ"), "\(bad.output)")
    }
}
