import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong rotate` on the built binary: three months of deliveries, made with the clock set back by libfaketime
/// (an absolute moment per batch, so the suite's own reruns at other dates move it along), rotated with a `kill -9`
/// in the middle.
@Suite struct RotationTests {
    static let recipient = "000.00.01.H53"

    /// `lienthong ARGS` with the clock starting at `moment` (libfaketime's absolute form: it runs on from there).
    static func at(_ moment: Date, _ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(
            "faketime", [Self.faketimeText(moment), Project.lienthong] + arguments,
            environment: ["FAKETIME_DONT_FAKE_MONOTONIC": "1"],
            // Under the suite's own libfaketime rerun, the moment is already on the faked clock: only this one applies.
            unset: ["LD_PRELOAD", "FAKETIME", "FAKETIME_TIMESTAMP_FILE", "FAKETIME_NO_CACHE"])
    }

    static func faketimeText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }

    /// A demo spool made (`init --demo`) an hour before `moment` on the clock libfaketime sets, polled, no settle.
    static func spool(_ label: String, madeBefore moment: Date, threshold: String = "4h") throws -> OfficeSpool {
        let directory = TemporaryDirectory("lienthong-\(label)")
        let root = directory.file("Spool")
        let made = try at(moment.addingTimeInterval(-3600), ["init", "--spool", root, "--demo"])
        guard made.status == 0 else { throw ProcessError.failed("init --demo", made) }
        let spool = OfficeSpool(existing: root, directory: directory)
        try spool.writeOfficeYAML(mode: "poll", settle: "0ms", sidecarWait: "3s", threshold: threshold)
        return spool
    }

    /// `name.pdf` and `name.json` into the sender's outbox, to `to` (the recipient by default), issued on
    /// `moment`'s day in Vietnam.
    static func drop(
        _ spool: OfficeSpool, _ name: String, to: String = recipient, number: Int, issuedAt moment: Date
    ) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let day = calendar.dateComponents([.year, .month, .day], from: moment)
        try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: spool.outbox() + "/\(name).pdf"))
        try Fixtures.sidecar(
            to: [to], number: "\(number)", subject: "Văn bản \(name)", priority: "thuong",
            issued: String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!)
        ).write(toFile: spool.outbox() + "/\(name).json", atomically: false, encoding: .utf8)
    }

    /// `<YYYY>/<MM>` of `date` in Vietnam.
    static func month(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d/%02d", parts.year!, parts.month!)
    }

    /// The processes whose command line is exactly `arguments` (read from /proc: procps may not be installed).
    static func processes(running arguments: [String]) -> [pid_t] {
        let wanted = Array(arguments.joined(separator: "\0").utf8) + [0]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name),
                FileManager.default.contents(atPath: "/proc/\(name)/cmdline").map(Array.init) == wanted
            else { return nil }
            return pid
        }
    }

    /// Sets the modification time of everything under `paths` to `moment`, as if written then (by Python: the
    /// suite's libfaketime reruns leave an explicit time it sets alone, and the office reads file times unfaked).
    static func age(_ paths: [String], to moment: Date) throws {
        let script = """
            import os, sys
            t = float(sys.argv[1])
            for top in sys.argv[2:]:
                for folder, _, files in os.walk(top):
                    for name in files:
                        os.utime(os.path.join(folder, name), (t, t), follow_symlinks=False)
                    os.utime(folder, (t, t))
                if os.path.isfile(top):
                    os.utime(top, (t, t))
            """
        let result = try ProcessRunner.run(
            "python3", ["-c", script, String(moment.timeIntervalSince1970)] + paths)
        guard result.status == 0 else { throw ProcessError.failed("set file times", result) }
    }

    /// Every packet folder under `inbox`: at its top level and in its dated folders, by packet id (path relative).
    static func packetFolders(_ inbox: String) -> [String: [String]] {
        var found: [String: [String]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: inbox)
        while let relative = enumerator?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.first?.isNumber == true, name.count > 20, !relative.contains(".lienthong") else { continue }
            enumerator?.skipDescendants()
            found[name, default: []].append(relative)
        }
        return found
    }

    @Test func threeMonthsOfAnInboxRotatedWithAKillInTheMiddleLeaveEveryEntryOnceWhereTheJournalSays() throws {
        let now = Date()
        let spool = try Self.spool("rotation", madeBefore: now.addingTimeInterval(-90 * 86_400))
        let root = spool.root

        // Four batches of 500 documents, delivered and registered 90, 60, 35 and 5 days ago.
        let ages: [Double] = [90, 60, 35, 5]
        var delivered: [Double: Set<String>] = [:]
        var number = 0
        for age in ages {
            let moment = now.addingTimeInterval(-age * 86_400)
            for _ in 0..<500 {
                number += 1
                try Self.drop(spool, "d\(number)", number: number, issuedAt: moment)
            }
            let run = try Self.at(moment, ["watch", "--once", "--spool", root])
            try #require(run.status == 0, "\(run.output)")
            let before = Set(delivered.values.flatMap { $0 })
            let new = Set(spool.packets(spool.inbox(Self.recipient))).subtracting(before)
            delivered[age] = new
            #expect(new.count == 500, "\(run.output)")
            // The files were written then, as far as the office's clock goes.
            let sender = root + "/agencies/\(OfficeSpool.sender)"
            let ids = Set(new)
            let written = ["sent", "status"].flatMap { folder in
                spool.visible(sender + "/" + folder).filter { name in
                    ids.contains(String(name.prefix { $0 != " " }))
                }.map { sender + "/" + folder + "/" + $0 }
            }
            try Self.age(new.map { spool.inbox(Self.recipient) + "/" + $0 } + written, to: moment)
        }
        let all = Set(delivered.values.flatMap { $0 })
        #expect(all.count == 2000)
        // A clerk is working in one 90-day-old folder right now: it stays where it is this time.
        let inUse = try #require(delivered[90]?.max())
        let touched = try ProcessRunner.run("touch", [spool.inbox(Self.recipient) + "/\(inUse)/metadata.json"])
        #expect(touched.status == 0)

        // A rotation killed once some of its moves are journaled.
        let rotation = try BackgroundProcess(
            Project.lienthong,
            ["rotate", "--older-than", "30d", "--spool", root, "--reason", "xếp thư mục hằng tháng"],
            logPath: spool.directory.file("rotate.log"))
        let journal = root + "/state/journal.jsonl"
        let began = spool.waitUntil(60) {
            ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").contains("\"event\":\"relocated\"")
        }
        rotation.send(SIGKILL)
        _ = rotation.wait(timeout: 10)
        #expect(began, "\(rotation.log)")
        // The kill came in the middle: some moves journaled, not all of the rotation's 5,996.
        let journaledAtKill = spool.records("relocated").count
        #expect(journaledAtKill > 0 && journaledAtKill < 5996, "\(journaledAtKill) moves journaled at the kill")
        let interrupted = Self.packetFolders(spool.inbox(Self.recipient)).values.filter { $0 == [$0[0]] }.count
        #expect(interrupted == 2000, "a folder was in two places or lost after the kill")

        // Run again: the journaled moves are finished and the rest made; every entry is in one place.
        let again = try spool.admin(["rotate", "--older-than", "30d", "--reason", "chạy lại sau sự cố"])
        #expect(again.status == 0, "\(again.output)")
        let folders = Self.packetFolders(spool.inbox(Self.recipient))
        #expect(Set(folders.keys) == all, "lost: \(all.subtracting(folders.keys).count)")
        #expect(folders.values.allSatisfy { $0.count == 1 }, "in two places: \(folders.filter { $0.value.count > 1 })")
        for age in ages {
            for id in delivered[age] ?? [] {
                let expected =
                    age < 30 || id == inUse ? id : Self.month(now.addingTimeInterval(-age * 86_400)) + "/" + id
                if folders[id]?.first != expected {
                    Issue.record("\(id), delivered \(Int(age)) days ago, is at \(folders[id] ?? []), not \(expected)")
                    break
                }
            }
        }
        let top = spool.visible(spool.inbox(Self.recipient)).filter { $0.count > 4 }
        #expect(
            Set(top) == delivered[5]!.union([inUse]), "the top level holds what is not 30 days old (and the one in use)"
        )
        // The sender's sent/ and status/ too: each entry once, the top level only what is recent.
        let sender = root + "/agencies/\(OfficeSpool.sender)"
        for (folder, count) in [("sent", 2000), ("status", 4000)] {
            let names = try ProcessRunner.run(
                "find", [sender + "/" + folder, "-mindepth", "1", "-maxdepth", "3", "-name", "2*-*"]
            ).stdout.split(separator: "\n").map { ($0 as Substring).split(separator: "/").last.map(String.init) ?? "" }
            #expect(names.count == count && Set(names).count == count, "\(folder): \(names.count) entries")
        }
        for folder in ["sent", "status"] {
            let entries = spool.visible(spool.root + "/agencies/\(OfficeSpool.sender)/\(folder)").filter {
                $0.count > 4
            }
            #expect(entries.allSatisfy { name in delivered[5]?.contains { name.hasPrefix($0) } == true }, "\(folder)")
        }

        // The journal says where each one went; it verifies, and an index made again from it says the same.
        let relocated = spool.records("relocated").filter { $0["folder"] as? String == "inbox" }
        #expect(relocated.count == 1499 && Set(relocated.compactMap { $0["packetId"] as? String }).count == 1499)
        let verified = try spool.verifyJournal()
        #expect(verified.status == 0 && verified.stdout.contains("sealed month(s) in state/journal/"), "\(verified)")
        // The journal's months before the last 30 days are sealed segments; journal.jsonl starts after them.
        let limit = Self.month(now.addingTimeInterval(-30 * 86_400)).replacingOccurrences(of: "/", with: "-")
        let segments = try FileManager.default.contentsOfDirectory(atPath: root + "/state/journal").sorted()
        #expect(!segments.isEmpty && segments.allSatisfy { String($0.dropFirst(13).prefix(7)) < limit }, "\(segments)")
        let active = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        let first = try #require(
            active.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(((first["at"] as? String) ?? "") >= limit, "journal.jsonl begins at \(first["at"] ?? "?")")
        #expect(spool.records("admin").contains { $0["action"] as? String == "journal.seal" })
        let query = "SELECT packetId, agency, path FROM delivery ORDER BY packetId, agency"
        let before = try ProcessRunner.run("sqlite3", [root + "/state/index.sqlite", query])
        #expect(try spool.admin(["index", "rebuild"]).status == 0)
        let after = try ProcessRunner.run("sqlite3", [root + "/state/index.sqlite", query])
        #expect(before.stdout == after.stdout && before.stdout.split(separator: "\n").count == 2000)
        let old = try #require(delivered[90]?.min())
        let show = try spool.admin(["archive", "show", old])
        let place = "agencies/\(Self.recipient)/inbox/\(Self.month(now.addingTimeInterval(-90 * 86_400)))/\(old)"
        #expect(show.stdout.contains("now in \(place)"), "\(show.output)")
        #expect(FileManager.default.fileExists(atPath: root + "/" + place + "/metadata.json"))

        // Nothing is left to do, and a dry run says so without changing anything.
        let hash = try spool.treeHash()
        let dry = try spool.admin(["rotate", "--older-than", "30d", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("rotate: 0 "), "\(dry.output)")
        #expect(try spool.treeHash() == hash)
    }
}

extension RotationTests {
    @Test func theDaemonRotatesOnTheScheduleOfficeYAMLSets() throws {
        let earlier = Date().addingTimeInterval(-3 * 3600)
        let spool = try Self.spool("rotation-schedule", madeBefore: earlier)
        let root = spool.root
        for number in 1...3 { try Self.drop(spool, "s\(number)", number: number, issuedAt: earlier) }
        try #require(try Self.at(earlier, ["watch", "--once", "--spool", root]).status == 0)
        let delivered = spool.packets(spool.inbox(Self.recipient))
        #expect(delivered.count == 3)
        try Self.age(delivered.map { spool.inbox(Self.recipient) + "/" + $0 }, to: earlier)

        // Kept for an hour, rotated every second: the daemon moves them without being asked.
        let yaml = root + "/office.yaml"
        try (try String(contentsOfFile: yaml, encoding: .utf8) + "\nrotate: { every: 1s, keepFor: 1h }\n")
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 20)
        }
        let dated = spool.inbox(Self.recipient) + "/" + Self.month(earlier)
        #expect(spool.waitUntil(20) { spool.packets(dated).count == 3 }, "\(daemon.log)")
        #expect(spool.packets(spool.inbox(Self.recipient)).filter { $0.count > 4 }.isEmpty)
        let admin = spool.records("admin").filter { $0["action"] as? String == "rotate" }
        #expect(admin.count == 1 && (admin.first?["by"] as? String ?? "").contains("lienthong watch"), "\(admin)")
        #expect(admin.first?["reason"] as? String == "office.yaml rotate")
    }
}

extension RotationTests {
    @Test func aClosedIncidentsReportGoesIntoItsMonthAndTheStatusFindsItThere() throws {
        let then = Date().addingTimeInterval(-40 * 86_400)
        let spool = try Self.spool("rotation-fallback", madeBefore: then, threshold: "2s")
        let root = spool.root
        let directory = spool.directory
        let share = directory.file("mnt/share")
        try spool.setInbox(Self.recipient, share)
        try Self.drop(spool, "su-co", number: 1, issuedAt: then)

        // Forty days ago: the share was missing past the threshold (an incident), then mounted (closed).
        let daemon = try BackgroundProcess(
            "/usr/bin/env",
            [
                "-u", "LD_PRELOAD", "-u", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime",
                Self.faketimeText(then), Project.lienthong, "watch", "--spool", root,
            ], logPath: directory.file("daemon.log"))
        // The faketime wrapper runs the daemon as its child and passes no signal on: stop the daemon itself.
        func stopDaemon() {
            let command = [Project.lienthong, "watch", "--spool", root]
            for pid in Self.processes(running: command) { kill(pid, SIGTERM) }
            _ = spool.waitUntil(20) { Self.processes(running: command).isEmpty }
            _ = daemon.wait(timeout: 20)
        }
        defer { stopDaemon() }
        let status = { () -> [String: Any] in
            let result = try? spool.admin(["fallback", "status", "--json"])
            return (try? JSONSerialization.jsonObject(with: Data((result?.stdout ?? "").utf8))) as? [String: Any] ?? [:]
        }
        let incidents = { (status()["incidents"] as? [[String: Any]]) ?? [] }
        #expect(spool.waitUntil(30) { !incidents().isEmpty }, "\(daemon.log)")
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        #expect(spool.waitUntil(30) { incidents().first?["open"] as? Bool == false }, "\(daemon.log)")
        stopDaemon()
        let incident = try #require(incidents().first)
        let report = try #require(incident["report"] as? String)
        #expect(FileManager.default.fileExists(atPath: report) && !report.contains("/\(Self.month(then))/"))
        try Self.age([report], to: then)

        let rotate = try spool.admin(["rotate", "--reason", "cuối tháng"])
        #expect(rotate.status == 0, "\(rotate.output)")
        let moved = root + "/fallback/\(Self.month(then))/" + (report as NSString).lastPathComponent
        #expect(FileManager.default.fileExists(atPath: moved) && !FileManager.default.fileExists(atPath: report))
        #expect(incidents().first?["report"] as? String == moved, "\(incidents())")
        let record = spool.records("relocated").first { $0["folder"] as? String == "fallback" }
        #expect(record != nil && record?["agency"] == nil, "\(spool.records("relocated"))")

        // The daemon, started again, keeps the report where it is now rather than writing it at the top again.
        let again = try spool.start(log: "again.log")
        #expect(spool.waitUntil(10) { again.log.contains("office started") }, "\(again.log)")
        usleep(1_500_000)
        again.send(SIGTERM)
        _ = again.wait(timeout: 20)
        #expect(!FileManager.default.fileExists(atPath: report), "the report came back at the top: \(again.log)")
        #expect(FileManager.default.fileExists(atPath: moved))
        #expect(try spool.verifyJournal().status == 0)
    }
}

extension RotationTests {
    @Test func toAnotherFileSystemEachEntryIsCopiedProvedAndOnlyThenRemoved() throws {
        let then = Date().addingTimeInterval(-40 * 86_400)
        let spool = try Self.spool("rotation-across", madeBefore: then)
        let root = spool.root
        for number in 1...3 { try Self.drop(spool, "x\(number)", number: number, issuedAt: then) }
        try #require(try Self.at(then, ["watch", "--once", "--spool", root]).status == 0)
        let inbox = spool.inbox(Self.recipient)
        let delivered = spool.packets(inbox)
        #expect(delivered.count == 3)
        try Self.age(delivered.map { inbox + "/" + $0 }, to: then)
        // Each file's name, mode, size and SHA-256 (a folder's own size differs between file systems).
        func files(_ folder: String) throws -> String {
            try ProcessRunner.run(
                "sh",
                [
                    "-c",
                    "cd \"$1\" && find . -type f -printf '%p %m %s\\n' | LC_ALL=C sort && find . -type f -print0 "
                        + "| LC_ALL=C sort -z | xargs -0 -r sha256sum",
                    "files", folder,
                ]
            ).stdout
        }
        let before = try delivered.map { try files(inbox + "/" + $0) }

        // /dev/shm is a tmpfs: another file system than the spool's, as a second share would be.
        let target = "/dev/shm/lienthong-rotation-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: target) }
        let rotate = try spool.admin([
            "rotate", "--agency", Self.recipient, "--older-than", "30d", "--to", target, "--reason", "sang ổ lưu trữ",
        ])
        #expect(rotate.status == 0, "\(rotate.output)")
        let dated = target + "/\(Self.recipient)/inbox/\(Self.month(then))"
        #expect(Set(spool.packets(dated)) == Set(delivered), "\(rotate.output)")
        #expect(spool.packets(inbox).filter { $0.count > 4 }.isEmpty, "the originals stayed")
        let after = try delivered.map { try files(dated + "/" + $0) }
        #expect(after == before, "a copy differs from its original")
        #expect(spool.visible(dated).allSatisfy { !$0.hasPrefix(".lienthong-moving-") })
        let show = try spool.admin(["archive", "show", try #require(delivered.first)])
        #expect(show.stdout.contains("now in \(dated)/\(delivered.first!)"), "\(show.output)")
        // Refused: a --to that is not there.
        let missing = try spool.admin(["rotate", "--to", target + "/none", "--reason", "x"])
        #expect(missing.status == 1 && missing.stderr.contains("does not exist"), "\(missing.output)")
        #expect(try spool.verifyJournal().status == 0)
    }
}
