import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// office.yaml `backup:` run by the daemon on the built binary: backups every `every`, `keep` of them, each in the
/// journal and the metrics; a failed one is logged, journaled, shown by `doctor` and retried until it works.
@Suite struct ScheduledBackupTests {
    static func doctorCodes(_ spool: OfficeSpool) throws -> [String: String] {
        let json = try CLI.lienthong(["doctor", "--spool", spool.root, "--json"])
        let checks = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]) ?? []
        return checks.reduce(into: [:]) { codes, check in
            if let code = check["code"] as? String { codes[code] = check["severity"] as? String ?? "" }
        }
    }

    @Test(.timeLimit(.minutes(3))) func theDaemonBacksUpKeepsRetriesAndDoctorSaysSo() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "backup-schedule")
        for number in 1...3 { try spool.drop("s\(number)", number: "\(number)") }
        #expect(try spool.once().status == 0)
        // The backup disk is not mounted yet: the folder is missing.
        let base = spool.directory.file("mnt-sao-luu")
        let port = try WebBrowserTests.freePort()
        let yaml = spool.root + "/office.yaml"
        try
            (try String(contentsOfFile: yaml, encoding: .utf8)
            + "\nmetrics: { listen: 127.0.0.1:\(port) }\nbackup: { to: \(base), every: 2s, keep: 2, retry: 1s }\n")
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 10)
        }
        try WebBrowserTests.waitUntilListening(port)
        #expect(
            spool.waitUntil(30) { spool.journal().contains { $0["action"] as? String == "backup.failed" } },
            "\(daemon.log.suffix(2000))")
        #expect(daemon.log.contains("the scheduled backup failed"), "\(daemon.log.suffix(2000))")
        let failing = try Self.doctorCodes(spool)
        #expect(failing["backup-failed"] == "error" && failing["backup-target"] == "error", "\(failing)")
        let down = try MetricsTests.fetch(port)
        #expect(down.value("lienthong_backups_total", ["result": "failed"]) >= 1)

        // Mounted: the next retry works, and the schedule runs on, keeping two.
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        #expect(
            spool.waitUntil(60) {
                spool.journal().filter { $0["action"] as? String == "backup.create" }.count >= 3
            }, "\(daemon.log.suffix(2000))")
        let listed = try CLI.lienthong(["backup", "list", base]).stdout.split(separator: "\n")
        #expect(listed.count == 2, "keep: 2 — \(listed)")
        for line in listed {
            #expect(
                try CLI.lienthong(["backup", "verify", base + "/" + String(line.split(separator: " ")[0])]).status == 0)
        }
        let created = try #require(spool.journal().last { $0["action"] as? String == "backup.create" })
        #expect((created["by"] as? String ?? "").contains("lienthong watch, backup every 2s"), "\(created)")
        let working = try Self.doctorCodes(spool)
        #expect(working["backup-failed"] == nil && working["backup-target"] == nil, "\(working)")
        let up = try MetricsTests.fetch(port)
        #expect(up.value("lienthong_backups_total", ["result": "ok"]) >= 3)
        #expect(up.value("lienthong_backup_last_success_timestamp_seconds") > 0)
        #expect(up.value("lienthong_backup_failures_in_a_row") == 0)
    }
}
