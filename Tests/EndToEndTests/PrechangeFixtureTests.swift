import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A spool made by the release before a change (commit 4150d5e, `Tests/Fixtures/prechange-4150d5e/`, made by
/// `Tests/Tools/make_prechange_fixture.sh`), opened by this build: its journal verifies, its index rebuilds, every
/// query a user made answers exactly as the old release answered, its archive is intact, and the new daemon carries
/// on where the old one stopped — arrival numbers continue without a gap or a repeat, and a sender's numbers already
/// used stay used.
///
/// The spool's certificates and revocation list were made on a faked clock (2026-11-16 09:00 in Vietnam) and run out
/// (the demo CRL's nextUpdate a year later), so every `lienthong` here runs under libfaketime at the moment the old
/// answers were recorded, 2026-11-16 10:00:00 Asia/Ho_Chi_Minh, whatever the real date — and whatever clock
/// `./dev test`'s own faketime reruns give the test runner: the child's LD_PRELOAD and FAKETIME are set here.
@Suite struct PrechangeFixtureTests {
    static let fixture = Project.file("Tests/Fixtures/prechange-4150d5e")
    static let zone = "Asia/Ho_Chi_Minh"
    /// 2026-11-16 10:00:00 in Asia/Ho_Chi_Minh (03:00 UTC): the moment the old release's answers were recorded at.
    static let queryMoment: Int64 = 1_794_798_000
    static let province = "000.00.00.H53", office = "000.00.01.H53", interior = "000.00.02.H53",
        district = "000.00.03.H53"

    /// libfaketime's library: `$LIENTHONG_LIBFAKETIME`, else where Debian's `faketime` package puts it.
    static var libfaketime: String? {
        let candidates =
            [ProcessInfo.processInfo.environment["LIENTHONG_LIBFAKETIME"]].compactMap { $0 }
            + [
                "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                "/usr/lib/faketime/libfaketime.so.1", "/usr/local/lib/faketime/libfaketime.so.1",
            ]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The real time (seconds since 1970), read by a program started without libfaketime: the test runner's own
    /// clock may be faked.
    static func realNow() throws -> Int64 {
        let result = try ProcessRunner.run("/bin/date", ["+%s"], timeout: 10, unset: ProcessRunner.fakedClock)
        guard result.status == 0, let seconds = Int64(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw ProcessError.failed("date +%s", result)
        }
        return seconds
    }

    /// The old release's spool, extracted, and the environment that puts a child on the fixture's clock.
    struct Extracted {
        let directory: TemporaryDirectory
        let root: String
        let environment: [String: String]

        init(label: String) throws {
            let library = try #require(
                PrechangeFixtureTests.libfaketime,
                """
                libfaketime is missing: this test runs lienthong at the fixture's moment (2026-11-16 10:00 in Vietnam) \
                with LD_PRELOAD=libfaketime.so.1. Install it (apt-get install faketime; ./dev test does) or give its \
                path in LIENTHONG_LIBFAKETIME.
                """)
            directory = TemporaryDirectory("lienthong-\(label)")
            let unpacked = try ProcessRunner.run(
                "tar", ["-xzf", PrechangeFixtureTests.fixture + "/spool.tar.gz", "-C", directory.path],
                timeout: 60)
            guard unpacked.status == 0 else { throw ProcessError.failed("tar -xzf spool.tar.gz", unpacked) }
            root = directory.file("Spool")
            // An offset, not FAKETIME="@…": every child then shares one clock that runs on, as the office's does.
            let offset = PrechangeFixtureTests.queryMoment - (try PrechangeFixtureTests.realNow())
            // libfaketime 0.9.10 preloaded without the shared state Debian's `faketime` wrapper sets up loses a Swift
            // program's arguments; a name that does not exist keeps them (an offset needs no shared state).
            environment = [
                "LD_PRELOAD": library, "FAKETIME": offset >= 0 ? "+\(offset)" : "\(offset)",
                "FAKETIME_SHARED": "/lienthong-none /lienthong-none", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "TZ": PrechangeFixtureTests.zone, "LC_ALL": "C.UTF-8",
            ]
        }

        /// `lienthong ARGUMENTS --spool ROOT` on the fixture's clock.
        func lienthong(_ arguments: [String], timeout: Double = 60) throws -> ProcessResult {
            try ProcessRunner.run(
                Project.lienthong, arguments + ["--spool", root], environment: environment, timeout: timeout)
        }

        /// Its standard output with the spool's folder as the fixture writes it.
        func normalised(_ text: String) -> String { text.replacingOccurrences(of: root, with: "@SPOOL@") }

        func journal() -> [[String: Any]] {
            guard let text = try? String(contentsOfFile: root + "/state/journal.jsonl", encoding: .utf8) else {
                return []
            }
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    struct Query: Decodable {
        let name: String
        let arguments: [String]
        let status: Int32
        let stdout: String
    }

    /// `text` with the moment it was made at (`"generatedAt" : "…"`) blanked.
    static func unstamped(_ text: String) -> String {
        text.replacing(/"generatedAt" : "[^"]*"/, with: #""generatedAt" : "…""#)
    }

    /// `diff -u` of what the old release answered and what this build answers, shortened for a failure message.
    static func difference(_ expected: String, _ actual: String, in directory: TemporaryDirectory, name: String)
        -> String
    {
        let actualPath = (try? directory.write("answers/\(name)", actual)) ?? ""
        let diff =
            (try? ProcessRunner.run("diff", ["-u", expected, actualPath], timeout: 30))?.stdout ?? "(diff failed)"
        let lines = diff.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(80).joined(separator: "\n")
            + (lines.count > 80 ? "\n… (\(lines.count - 80) more lines)" : "")
    }

    @Test func theOldReleasesSpoolVerifiesAndAnswersEveryQueryAsItDid() throws {
        let spool = try Extracted(label: "prechange-answers")
        let manifest = try JSONDecoder().decode(
            [Query].self, from: Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/expected/manifest.json")))
        #expect(manifest.count >= 25, "the fixture's manifest lists only \(manifest.count) queries")
        #expect(
            manifest.first?.arguments == ["journal", "verify"]
                && manifest.dropFirst().first?.arguments == ["index", "rebuild"],
            "the manifest must begin with journal verify, then index rebuild")
        #expect(
            manifest.last?.arguments.prefix(2) == ["archive", "verify"], "archive verify (it journals) must come last")

        // In the old release's order: some queries append to the journal (showing a secret document, verifying).
        for query in manifest {
            let expectedPath = Self.fixture + "/expected/" + query.stdout
            let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
            let result = try spool.lienthong(query.arguments)
            let answer = spool.normalised(result.stdout)
            #expect(
                result.status == query.status,
                "\(query.name) (lienthong \(query.arguments.joined(separator: " "))): exit \(result.status), the old release \(query.status)\n\(result.stderr.suffix(2000))"
            )
            // Only the moment a page was made (`fallback status`'s `generatedAt`) may differ: the clock ran on.
            #expect(
                Self.unstamped(answer) == Self.unstamped(expected),
                """
                \(query.name) (lienthong \(query.arguments.joined(separator: " "))) answers differently from the release before \
                the change (- old, + new):
                \(Self.difference(expectedPath, answer, in: spool.directory, name: query.stdout))
                """)
        }
        // What the manifest's first and last entries are about, said plainly.
        let journalVerified = try spool.lienthong(["journal", "verify"])
        #expect(
            journalVerified.status == 0 && journalVerified.stdout.contains("journal intact"),
            "\(journalVerified.output)")
        let fixity = try spool.lienthong(["archive", "verify", "--all", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(fixity.stdout.utf8)) as? [String: Any]
        #expect(fixity.status == 0, "\(fixity.output)")
        #expect(
            ((report?["changed"] as? [Any]) ?? []).isEmpty && ((report?["missing"] as? [Any]) ?? []).isEmpty
                && ((report?["untracked"] as? [Any]) ?? []).isEmpty, "\(fixity.stdout)")
    }

    /// Drops `name.pdf` and `name.json` into `code`'s outbox.
    static func drop(
        _ spool: Extracted, from code: String, name: String, number: String, notation: String, to: [String],
        secrecy: String? = nil
    ) throws {
        let outbox = spool.root + "/agencies/\(code)/outbox"
        try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: outbox + "/\(name).pdf"))
        let secret = secrecy.map { ", \"secrecy\": \"\($0)\"" } ?? ""
        try """
        { "codeNumber": "\(number)", "codeNotation": "\(notation)", "issuedDate": "2026-11-16", "typeName": "Công văn",
          "subject": "Văn bản \(name) gửi sau khi nâng cấp", "signerInfo": { "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
          "to": [\(to.map { "\"\($0)\"" }.joined(separator: ", "))]\(secret) }
        """.write(toFile: outbox + "/\(name).json", atomically: true, encoding: .utf8)
    }

    @Test func theNewDaemonCarriesOnTheOldNumbering() throws {
        let spool = try Extracted(label: "prechange-daemon")
        let numbers =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/expected/numbers.json")))
            as? [String: Any]
        let oldArrivals = try #require(numbers?["arrivals"] as? [String: [Int]], "numbers.json has no arrivals")
        let used = try #require(numbers?["numbersUsed"] as? [String: [String]], "numbers.json has no numbersUsed")
        // The fixture's premises: these agencies already received ordinary documents (and the Sở Nội vụ a secret one).
        for key in ["\(Self.office) thuong 2026", "\(Self.province) thuong 2026", "\(Self.interior) mat 2026"] {
            let series = try #require(
                oldArrivals[key], "the fixture has no arrivals for \(key): \(oldArrivals.keys.sorted())")
            #expect(series == Array(1...series.count), "\(key) in the old release: \(series)")
        }
        #expect(
            used[Self.district]?.contains("303/UBND-VP") == true
                && used[Self.province]?.contains("125/QĐ-UBND") == true,
            "\(used)")

        // The new daemon opens the old index as it is (no rebuild: an upgrade), and takes new drops.
        let before = spool.journal().count
        try Self.drop(
            spool, from: Self.district, name: "Công văn 316", number: "316", notation: "UBND-VP",
            to: [Self.office, Self.province])
        try Self.drop(
            spool, from: Self.office, name: "Báo cáo 13", number: "13", notation: "BC-VP", to: [Self.interior],
            secrecy: "mat")
        // Numbers the senders used under the old release, used again in the same year: returned, not sent.
        try Self.drop(
            spool, from: Self.district, name: "Công văn 303 lại", number: "303", notation: "UBND-VP", to: [Self.office])
        try Self.drop(
            spool, from: Self.province, name: "Quyết định 125 lại", number: "125", notation: "QĐ-UBND",
            to: [Self.office])
        let ran = try spool.lienthong(["watch", "--once"], timeout: 60)
        #expect(ran.status == 0, "\(ran.output)")
        let again = try spool.lienthong(["watch", "--once"], timeout: 60)
        #expect(again.status == 0, "\(again.output)")

        let records = spool.journal()
        let new = Array(records.dropFirst(before))
        let packed = new.filter { ($0["event"] as? String) == "packed" }
        #expect(packed.count == 2, "packed after the upgrade: \(packed)")
        func arrivals(_ list: [[String: Any]], _ recipient: String, _ series: String) -> [Int] {
            list.filter {
                ($0["event"] as? String) == "registered" && ($0["recipient"] as? String) == recipient
                    && ($0["series"] as? String) == series && ($0["year"] as? Int) == 2026
            }.compactMap { $0["number"] as? Int }
        }
        for (recipient, series) in [(Self.office, "thuong"), (Self.province, "thuong"), (Self.interior, "mat")] {
            let old = oldArrivals["\(recipient) \(series) 2026"] ?? []
            let added = arrivals(new, recipient, series)
            #expect(
                added == [(old.max() ?? 0) + 1], "\(recipient) \(series): new arrival numbers \(added) after \(old)")
            let all = arrivals(records, recipient, series)
            #expect(
                all.sorted() == Array(1...max(1, all.count)) && Set(all).count == all.count,
                "\(recipient) \(series): numbers \(all.sorted()) have a gap or a repeat")
        }
        // The numbers used before the upgrade stay used: both returned to their clerks, with the reason.
        for (code, name) in [(Self.district, "Công văn 303 lại"), (Self.province, "Quyết định 125 lại")] {
            let rejected = spool.root + "/agencies/\(code)/rejected"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: rejected)) ?? []).map {
                $0.precomposedStringWithCanonicalMapping
            }
            let reason = names.first {
                $0.hasPrefix(name.precomposedStringWithCanonicalMapping) && $0.hasSuffix(".reason.txt")
            }
            #expect(reason != nil, "\(name) was not returned to \(code)'s rejected/: \(names)")
            #expect(!FileManager.default.fileExists(atPath: spool.root + "/agencies/\(code)/outbox/\(name).pdf"))
        }
        let rejections = new.filter { ($0["event"] as? String) == "rejected" }
        #expect(rejections.count == 2, "\(rejections)")

        // The old journal and the new records form one chain; the archive old and new is intact.
        let verified = try spool.lienthong(["journal", "verify"])
        #expect(verified.status == 0, "\(verified.output)")
        let fixity = try spool.lienthong(["archive", "verify", "--all"])
        #expect(fixity.status == 0, "\(fixity.output)")
        let search = try spool.lienthong(["archive", "search", "gui", "sau", "khi", "nang", "cap", "--json"])
        let hits =
            (try? JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])?["hits"]
            as? [[String: Any]]
        #expect(
            Set((hits ?? []).compactMap { $0["numberAndNotation"] as? String }) == ["316/UBND-VP", "13/BC-VP"],
            "\(search.output)")
    }
}
