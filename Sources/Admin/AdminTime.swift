import Foundation
import Packets

/// Times an admin writes on the command line (`--at`, `--since`): `now`; a full timestamp with its offset
/// (`2025-07-01T00:00:00+07:00`); a date and time, or a date alone (midnight), in the office's time zone.
public enum AdminTime {
    public static func parse(_ text: String, timeZone: TimeZone, now: Date) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "now" { return now }
        if let date = Timestamp.parse(text) { return date }
        let parts = text.replacingOccurrences(of: " ", with: "T").split(separator: "T", maxSplits: 1)
        guard let day = parts.first.flatMap({ CalendarDate(iso: String($0)) }) else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":").map { Int($0) }
            guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }) else { return nil }
            hour = clock[0]!
            minute = clock[1]!
            second = clock.count == 3 ? clock[2]! : 0
            guard hour < 24, minute < 60, second < 60 else { return nil }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(
            from: DateComponents(
                year: day.year, month: day.month, day: day.day, hour: hour, minute: minute, second: second))
    }
}
