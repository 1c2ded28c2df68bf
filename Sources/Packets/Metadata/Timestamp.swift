import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// ISO 8601 instants with the office's UTC offset, as metadata.json and reports write them.
///
/// Written with Foundation's `Date.ISO8601FormatStyle` (a value type in swift-foundation, no ICU formatter to build).
/// Read by hand: the parser accepts exactly the one shape below and refuses near misses (`+0700`, a space for `T`, no zone).
public enum Timestamp {
    /// The zone the rules are written for; used when no office.yaml names another.
    public static let vietnam: TimeZone =
        TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    /// `2026-11-24T15:42:07.123+07:00` (`Z` in UTC).
    ///
    /// Milliseconds are rounded to the nearest, as they always were here (and as `ISO8601DateFormatter` does):
    /// `…07.9995` is written `…08.000`. The format style itself truncates, so it is given the middle of the
    /// rounded millisecond, which truncates to that millisecond whatever the binary rounding of the seconds.
    public static func string(_ date: Date, in timeZone: TimeZone = vietnam) -> String {
        let rounded = Date(timeIntervalSince1970: (Double(milliseconds(date)) + 0.5) / 1000)
        return rounded.formatted(
            Date.ISO8601FormatStyle(timeZone: timeZone).year().month().day().dateSeparator(.dash)
                .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .colon))
    }

    /// `15:42 ngày 24/11/2026`: an instant as clerks read it, in the office's zone.
    public static func vietnamese(_ date: Date, in timeZone: TimeZone = vietnam) -> String {
        clock(date, in: timeZone) + " ngày " + CalendarDate(date, in: timeZone).vietnamese
    }

    /// `15:42`: the local hour and minute.
    public static func clock(_ date: Date, in timeZone: TimeZone = vietnam) -> String {
        String(string(date, in: timeZone).dropFirst(11).prefix(5))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x74, bytes[13] == 0x3A,
            bytes[16] == 0x3A,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            CalendarDate(year: year, month: month, day: day) != nil, hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 0x5A || bytes[index] == 0x7A {
            index += 1
        } else {
            guard bytes[index] == 0x2B || bytes[index] == 0x2D, index + 6 == bytes.count, bytes[index + 3] == 0x3A,
                let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
            index += 6
        }
        guard index == bytes.count else { return nil }
        let seconds =
            CivilTime.secondsSinceEpoch(year: year, month: month, day: day) + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: TimeInterval(seconds - Int64(offset)) + fraction)
    }

    /// Milliseconds since 1970, rounded to the nearest (as Foundation's formatter does).
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}

/// A date and time of day in the proleptic Gregorian calendar, from seconds since 1970 (already shifted to the
/// wanted zone). Civil-from-days after Howard Hinnant's public-domain algorithm.
struct CivilTime {
    let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(secondsSinceEpoch: Int64) {
        let days = Timestamp.floorDivide(secondsSinceEpoch, 86_400)
        let rest = Int(secondsSinceEpoch - days * 86_400)
        hour = rest / 3600
        minute = rest % 3600 / 60
        second = rest % 60
        let shifted = days + 719_468
        let era = Timestamp.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }

    /// Seconds from 1970-01-01T00:00:00 to the start of the given day.
    static func secondsSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = Timestamp.floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return (era * 146_097 + dayOfEra - 719_468) * 86_400
    }

    /// `YYYY-MM-DD`.
    var dateText: String { Timestamp.pad(year, 4) + "-" + Timestamp.pad(month, 2) + "-" + Timestamp.pad(day, 2) }
}
