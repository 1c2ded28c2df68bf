import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The restore drill (issue 16), on the built binary: an office with 200 packets delivered and registered is backed
/// up while the daemon runs and 100 more documents stream in; the backup is restored into a fresh spool, where the
/// journal verifies, `archive verify --all` is clean, every search answers as the original did for what the backup
/// holds, and the restored daemon numbers its next arrival right after the last one in the backup.
@Suite(.serialized) struct RestoreDrillTests {
    static let passphrase = "mat-khau-sao-luu-thu-nghiem"

    /// The packets a journal copy names as packed, from the backup's `state/` (segments, then the active file).
    static func packed(inState state: String) -> Set<String> {
        let segments = ((try? FileManager.default.contentsOfDirectory(atPath: state + "/journal")) ?? [])
            .filter { $0.hasSuffix(".jsonl") }.sorted().map { state + "/journal/" + $0 }
        var ids: Set<String> = []
        for path in segments + [state + "/journal.jsonl"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    record["event"] as? String == "packed", let id = record["packetId"] as? String
                else { continue }
                ids.insert(id)
            }
        }
        return ids
    }

    /// The packet ids `archive search ARGUMENTS` answers in `root`, in the order it gives them.
    static func search(_ root: String, _ arguments: [String]) throws -> [String] {
        let result = try CLI.lienthong(
            ["archive", "search"] + arguments + ["--limit", "1000", "--json", "--spool", root])
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw ProcessError.failed("archive search \(arguments)", result) }
        return ((json["hits"] as? [[String: Any]]) ?? []).compactMap { $0["packetId"] as? String }
    }

    /// The arrival numbers of an incoming register (CSV), in its order.
    static func arrivals(_ root: String, agency: String, year: Int) throws -> [Int] {
        let result = try CLI.lienthong([
            "register", "incoming", "--agency", agency, "--year", "\(year)", "--format", "csv", "--spool", root,
        ])
        guard result.status == 0 else { throw ProcessError.failed("register incoming", result) }
        let lines = result.stdout.split(whereSeparator: \.isNewline).map(String.init)
        guard
            let header = lines.first?.split(separator: ",").map({
                $0.trimmingCharacters(in: .init(charactersIn: "\"\u{FEFF}"))
            }),
            let column = header.firstIndex(of: "Số đến")
        else { throw ProcessError.failed("register incoming: no «Số đến» column", result) }
        return lines.dropFirst().compactMap { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return cells.count > column ? Int(cells[column].trimmingCharacters(in: .init(charactersIn: "\""))) : nil
        }
    }

    @Test(.timeLimit(.minutes(10))) func theDrill() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "drill")
        let other = "000.00.02.H53"
        for batch in 0..<4 {
            for number in (batch * 50 + 1)...(batch * 50 + 50) {
                let priority = ["thuong", "khan", "hoa-toc"][number % 3]
                if number % 4 == 0 {
                    try spool.drop("d\(number)", number: "\(number)", from: OfficeSpool.recipients[0], to: [other])
                } else {
                    try spool.drop("d\(number)", number: "\(number)", priority: priority)
                }
            }
            let once = try spool.once()
            #expect(once.status == 0, "\(once.output)")
        }
        #expect(spool.archived().count == 200)
        // The year the drill starts in, and the next (a run on a clock just before New Year's Eve midnight).
        let years = [Int(Fixtures.localDate(0).prefix(4)) ?? 2026].flatMap { [$0, $0 + 1] }
        let base = spool.directory.file("sao-luu")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let pass = spool.directory.file("pass")
        try (Self.passphrase + "\n").write(toFile: pass, atomically: true, encoding: .utf8)
        chmod(pass, 0o600)

        // The daemon runs; 100 documents stream in while the backup is made.
        let daemon = try spool.start()
        defer {
            daemon.send(SIGKILL)
            _ = daemon.wait(timeout: 10)
        }
        let streamed = DispatchSemaphore(value: 0)
        let stream = Thread {
            for number in 201...300 {
                try? spool.drop("d\(number)", number: "\(number)")
                usleep(30_000)
            }
            streamed.signal()
        }
        stream.start()
        usleep(900_000)
        let made = try spool.admin([
            "backup", "create", "--to", base, "--include-keys", "--passphrase-file", pass, "--reason", "diễn tập",
        ])
        #expect(made.status == 0, "\(made.output)")
        streamed.wait()
        #expect(spool.waitUntil(120) { spool.archived().count == 300 }, "\(daemon.log.suffix(2000))")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(daemon.log.suffix(2000))")

        let listed = try CLI.lienthong(["backup", "list", base]).stdout.split(separator: "\n")
        #expect(listed.count == 1, "\(listed)")
        let backup = base + "/" + String(try #require(listed.first).split(separator: " ")[0])
        let held = Self.packed(inState: backup + "/state")
        print("restore drill: the backup holds \(held.count) of 300 packets (made while 100 streamed in)")
        #expect(held.count >= 200 && held.count < 300, "the backup was made while documents streamed in")
        #expect(try CLI.lienthong(["backup", "verify", backup]).status == 0)

        // Restore into a fresh spool.
        let restored = spool.directory.file("Phuc-hoi")
        let restore = try CLI.lienthong([
            "restore", "--from", backup, "--spool", restored, "--passphrase-file", pass, "--reason", "diễn tập",
        ])
        #expect(restore.status == 0, "\(restore.output)")
        #expect(try CLI.lienthong(["journal", "verify", "--spool", restored]).status == 0)
        let fixity = try CLI.lienthong(["archive", "verify", "--all", "--spool", restored])
        #expect(
            fixity.status == 0 && fixity.stdout.contains("\(held.count) intact, 0 changed, 0 missing"),
            "\(fixity.output)")
        let queries: [[String]] = [
            [], ["van", "ban"], ["d17"], ["--number", "17"], ["--priority", "khan"], ["--priority", "hoa-toc"],
            ["--recipient", other], ["--sender", OfficeSpool.recipients[0]], ["--sender", "thai binh"],
            ["--type", "quyet dinh"], ["--secrecy", "none"], ["--from", Fixtures.localDate(0)],
        ]
        for query in queries {
            let original = try Self.search(spool.root, query).filter(held.contains)
            let answered = try Self.search(restored, query)
            #expect(answered == original, "archive search \(query)")
            #expect(!answered.isEmpty || query == ["d17"], "archive search \(query) finds something")
        }

        // The restored daemon numbers on: what the backup left undelivered, then a new document, right after.
        let recipient = OfficeSpool.recipients[0]
        let before = try years.map { try Self.arrivals(restored, agency: recipient, year: $0) }
        #expect(before.reduce(0) { $0 + $1.count } > 0)
        for numbers in before {
            #expect(numbers == Array(1..<(numbers.count + 1)), "the backup's arrivals: \(numbers)")
        }
        let restoredSpool = OfficeSpool(existing: restored, directory: spool.directory)
        try restoredSpool.drop("sau-phuc-hoi", number: "1001")
        // A number the sender used before the backup stays used: returned to the clerk, not sent again.
        try restoredSpool.drop("so-da-dung", number: "5")
        let carried = try restoredSpool.once()
        #expect(carried.status == 0, "\(carried.output)")
        let after = try years.map { try Self.arrivals(restored, agency: recipient, year: $0) }
        for (numbers, old) in zip(after, before) {
            #expect(numbers == Array(1..<(numbers.count + 1)), "no gap and no repeat after the restore: \(numbers)")
            #expect(Array(numbers.prefix(old.count)) == old)
        }
        #expect(after.reduce(0) { $0 + $1.count } > before.reduce(0) { $0 + $1.count })
        let returned = restoredSpool.visible(restoredSpool.rejected())
        #expect(returned.contains("so-da-dung.reason.txt"), "\(returned)")
        let newest = try Self.search(restored, ["sau", "phuc", "hoi"])
        #expect(newest.count == 1)
        #expect(try CLI.lienthong(["journal", "verify", "--spool", restored]).status == 0)
        let journal = restoredSpool.journal()
        #expect(journal.contains { $0["action"] as? String == "backup.restore" })
        #expect(spool.journal().contains { $0["action"] as? String == "backup.create" })
    }
}
