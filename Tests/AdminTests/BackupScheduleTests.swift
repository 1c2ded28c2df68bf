import Admin
import Foundation
import Spool
import Testing

/// When office.yaml's backup schedule runs next (the clock injected: fixed moments, never today's date).
@Suite struct BackupScheduleTests {
    static let vietnam = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    /// `text` (`yyyy-MM-dd HH:mm`) in Vietnam.
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = vietnam
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    static func schedule(at: Int?, every hours: Int) -> OfficeConfig.Backup {
        var schedule = OfficeConfig.Backup(to: "/mnt/backup")
        schedule.at = at
        schedule.every = .seconds(hours * 3600)
        return schedule
    }

    static func next(_ last: String?, now: String, at: Int?, every: Int) -> Date {
        BackupSchedule.next(
            after: last.map(Self.at), now: Self.at(now), schedule: schedule(at: at, every: every), timeZone: vietnam)
    }

    @Test func theFirstBackupIsNow() {
        #expect(Self.next(nil, now: "2026-03-10 14:00", at: 120, every: 24) == Self.at("2026-03-10 14:00"))
    }

    @Test func dailyAtTwoRunsTheNextNightAndMakesUpAMissedOne() {
        // Made at 02:00:30 last night: the next at 02:00 tonight.
        #expect(
            Self.next("2026-03-10 02:00", now: "2026-03-10 09:00", at: 120, every: 24) == Self.at("2026-03-11 02:00"))
        // The machine was off at 02:00: at start (09:00) it is made up at once …
        #expect(
            Self.next("2026-03-09 02:00", now: "2026-03-10 09:00", at: 120, every: 24) == Self.at("2026-03-10 09:00"))
        // … and the one after is still tomorrow's 02:00, not a day later.
        #expect(
            Self.next("2026-03-10 09:00", now: "2026-03-10 09:05", at: 120, every: 24) == Self.at("2026-03-11 02:00"))
        // An ad-hoc backup just before the slot does not push the slot (it belongs to the day before's).
        #expect(
            Self.next("2026-03-11 01:50", now: "2026-03-11 01:55", at: 120, every: 24) == Self.at("2026-03-11 02:00"))
    }

    @Test func everySixHoursFromTwo() {
        #expect(
            Self.next("2026-03-10 08:00", now: "2026-03-10 08:01", at: 120, every: 6) == Self.at("2026-03-10 14:00"))
        #expect(
            Self.next("2026-03-10 20:00", now: "2026-03-10 20:01", at: 120, every: 6) == Self.at("2026-03-11 02:00"))
    }

    @Test func weeklyAtTwo() {
        #expect(
            Self.next("2026-03-10 02:00", now: "2026-03-10 03:00", at: 120, every: 168) == Self.at("2026-03-17 02:00"))
    }

    @Test func withoutATimeOfDayOneEveryAfterTheLast() {
        #expect(
            Self.next("2026-03-10 08:17", now: "2026-03-10 09:00", at: nil, every: 24) == Self.at("2026-03-11 08:17"))
        #expect(
            Self.next("2026-03-08 08:17", now: "2026-03-10 09:00", at: nil, every: 24) == Self.at("2026-03-10 09:00"))
    }

    @Test func officeYAMLReadsTheSchedule() throws {
        let config = try OfficeConfig.parse(
            try ConfigNode.parse(
                #"backup: { to: /mnt/backup, at: "02:00", every: 24h, keep: 14 }"#, file: "office.yaml"))
        #expect(config.backup?.to == "/mnt/backup" && config.backup?.at == 120 && config.backup?.keep == 14)
        #expect(throws: ConfigError.self) {
            try OfficeConfig.parse(try ConfigNode.parse("backup: { to: relative }", file: "office.yaml"))
        }
        #expect(throws: ConfigError.self) {
            try OfficeConfig.parse(try ConfigNode.parse(#"backup: { to: /b, at: "25:00" }"#, file: "office.yaml"))
        }
        #expect(throws: ConfigError.self) {
            try OfficeConfig.parse(try ConfigNode.parse("backup: { to: /b, keep: 0 }", file: "office.yaml"))
        }
    }
}
