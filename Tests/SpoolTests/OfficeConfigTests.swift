import Foundation
import Spool
import TestSupport
import Testing

@Suite struct OfficeConfigTests {
    func parse(_ yaml: String) throws(ConfigError) -> OfficeConfig {
        try OfficeConfig.parse(try ConfigNode.parse(yaml, file: "office.yaml"))
    }

    @Test func readsTheContractKeys() throws {
        let config = try parse(OfficeDefaults.officeYAML)
        #expect(
            config.watch.mode == .auto && config.watch.settle == .seconds(1) && config.watch.pollInterval == .seconds(2)
        )
        #expect(config.calendar.timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(config.calendar.workingDays == [1, 2, 3, 4, 5])
        #expect(config.calendar.workingHours.map(\.start) == [450, 810])
        #expect(config.outage.threshold == .seconds(4 * 3600) && config.outage.retryMax == .seconds(900))
        #expect(config.archiveFormat == .tar)
    }

    @Test func parsesDurations() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("4h") == .seconds(14_400))
        for bad in ["", "4", "h", "4 hours", "-1s", "1.5h"] { #expect(DurationText.parse(bad) == nil, "\(bad)") }
        #expect(DurationText.format(.seconds(14_400)) == "4h" && DurationText.format(.milliseconds(250)) == "250ms")
    }

    /// Issue 10: `settle: 999999999999999999h` trapped on an arithmetic overflow; no value may crash the office.
    @Test func refusesOutOfRangeDurationsWithTheirLine() {
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 2, column: 11,
                message: "watch.settle: \"999999999999999999h\" is too long: at most 366d")
        ) {
            try parse("watch:\n  settle: 999999999999999999h\n")
        }
        let keys = [
            "watch.pollInterval", "watch.settle", "watch.rescanInterval", "watch.sidecarWait", "watch.incompleteWait",
            "outage.threshold", "outage.retry.initial", "outage.retry.max",
        ]
        let values = [
            "999999999999999999h", "99999999999999999999999999s", "9223372036854775807ms", "9223372036854775807d",
            "367d", "366d1ms", "1h" + String(repeating: "9", count: 400) + "m", "0ms", "-0s", "1e9s", "１s",
        ]
        for key in keys {
            let path = key.split(separator: ".")
            for value in values {
                var yaml = ""
                for (depth, part) in path.enumerated() {
                    yaml +=
                        String(repeating: "  ", count: depth) + part + ":"
                        + (depth == path.count - 1 ? " \"\(value)\"\n" : "\n")
                }
                do {
                    _ = try parse(yaml)
                    #expect(
                        value == "0ms" && (key == "watch.settle" || key == "outage.threshold"),
                        "\(key): \(value) accepted")
                } catch {
                    #expect(error.line == path.count, "\(key): \(value): \(error)")
                }
            }
        }
        #expect(DurationText.read("366d") == .success(.seconds(366 * 86_400)))
    }

    @Test func refusesMistakesWithTheirLine() {
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 2, column: 9, message: "watch.mode: expected auto, inotify or poll")
        ) {
            try parse("watch:\n  mode: fast\n")
        }
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 3, column: 33,
                message: "calendar.workingHours[1]: working hours must be in order and must not overlap")
        ) {
            try parse("calendar:\n  timeZone: Asia/Ho_Chi_Minh\n  workingHours: [\"13:30-17:00\", \"07:30-11:30\"]\n")
        }
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 1, column: 18,
                message: "outage.retry: retry.max is shorter than retry.initial")
        ) {
            try parse("outage: { retry: { initial: 1m, max: 30s } }\n")
        }
        #expect(throws: ConfigError.self) { try parse("calendar: { timeZone: Mars/Olympus }\n") }
        #expect(throws: ConfigError.self) { try parse("calendar: { holidays: [\"30/04/2026\"] }\n") }
        #expect(throws: ConfigError.self) { try parse("archive: { format: rar }\n") }
    }

    @Test func rotateIsOffUnlessWrittenAndReadsItsKeys() throws {
        #expect(try parse(OfficeDefaults.officeYAML).rotate == nil)
        let rotate = try #require(try parse("rotate: { every: 12h, keepFor: 60d, to: /mnt/luu-tru }\n").rotate)
        #expect(
            rotate.every == .seconds(43_200) && rotate.keepFor == .seconds(60 * 86_400) && rotate.to == "/mnt/luu-tru")
        let defaults = try #require(try parse("rotate: {}\n").rotate)
        #expect(defaults.every == .seconds(86_400) && defaults.keepFor == .seconds(30 * 86_400) && defaults.to == nil)
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 1, column: 15,
                message: "rotate.to: expected an absolute path, like /mnt/luu-tru")
        ) {
            try parse("rotate: { to: old }\n")
        }
        #expect(throws: ConfigError.self) { try parse("rotate: { keepFor: 10m }\n") }
        #expect(throws: ConfigError.self) { try parse("rotate: { often: 1h }\n") }
    }
}
