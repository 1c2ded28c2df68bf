import Foundation

/// A calendar day without time or zone, written `YYYY-MM-DD` (ISO 8601).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date from its parts; nil unless the day exists in the proleptic Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day `date` falls on in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(timeZone.secondsFromGMT(for: date))
        let civil = CivilTime(secondsSinceEpoch: local)
        year = civil.year
        month = civil.month
        day = civil.day
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        Timestamp.pad(year, 4) + "-" + Timestamp.pad(month, 2) + "-" + Timestamp.pad(day, 2)
    }

    /// `YYYY/MM`: the dated folder of this day's month (`lienthong rotate`).
    public var monthFolder: String { Timestamp.pad(year, 4) + "/" + Timestamp.pad(month, 2) }

    /// `YYYY-MM`: the month as the journal's timestamps begin.
    public var yearMonth: String { Timestamp.pad(year, 4) + "-" + Timestamp.pad(month, 2) }

    /// `DD/MM/YYYY`, as dates are written in Vietnamese documents.
    public var vietnamese: String {
        Timestamp.pad(day, 2) + "/" + Timestamp.pad(month, 2) + "/" + Timestamp.pad(year, 4)
    }

    /// Seconds from 1970-01-01 to the start of this day in UTC.
    public var secondsSinceEpoch: Int64 { CivilTime.secondsSinceEpoch(year: year, month: month, day: day) }

    /// The day `days` later (or earlier, when negative).
    public func adding(days: Int) -> CalendarDate {
        let civil = CivilTime(secondsSinceEpoch: secondsSinceEpoch + Int64(days) * 86_400)
        return CalendarDate(year: civil.year, month: civil.month, day: civil.day)!
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
