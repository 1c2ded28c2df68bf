import Foundation
import Packets
import Spool

/// The office's working time (office.yaml `calendar`): which days are worked, in which spans, and which are
/// holidays. The rules count in working time: the 4-hour outage threshold (Decision 17/2019 Art 8.1), the
/// next-working-morning deadline for sending (Art 4.2, Decree 30/2020 Art 18), same-day receipts (Art 21.2).
public struct WorkingCalendar: Sendable {
    public let timeZone: TimeZone
    /// ISO weekdays worked, 1 = Monday … 7 = Sunday.
    public let workingDays: Set<Int>
    /// Working spans of a day, in minutes from midnight, in order.
    public let spans: [OfficeConfig.WorkingSpan]
    public let holidays: Set<CalendarDate>

    public init(_ calendar: OfficeConfig.Calendar) {
        timeZone = calendar.timeZone
        workingDays = calendar.workingDays
        spans = calendar.workingHours
        holidays = calendar.holidays
    }

    /// Whether `day` is a working day.
    public func isWorkingDay(_ day: CalendarDate) -> Bool {
        !holidays.contains(day) && workingDays.contains(Self.isoWeekday(day)) && !spans.isEmpty
    }

    /// Whether `instant` falls in working time.
    public func isWorking(_ instant: Date) -> Bool {
        let (day, minute) = local(instant)
        return isWorkingDay(day) && spans.contains { Double($0.start) <= minute && minute < Double($0.end) }
    }

    /// Working time between two instants (zero when `end` is not after `start`); nothing outside working spans counts.
    public func workingTime(from start: Date, to end: Date) -> Duration {
        guard end > start else { return .zero }
        var total = 0.0
        var day = local(start).0
        let last = local(end).0
        while day <= last {
            if isWorkingDay(day) {
                for span in spans {
                    let spanStart = instant(day, minute: span.start)
                    let spanEnd = instant(day, minute: span.end)
                    let from = max(spanStart, start)
                    let to = min(spanEnd, end)
                    if to > from { total += to.timeIntervalSince(from) }
                }
            }
            day = day.adding(days: 1)
        }
        return .milliseconds(Int64((total * 1000).rounded()))
    }

    /// The instant at which `duration` of working time has passed since `start`; nil when the calendar has no
    /// working time at all within ten years.
    public func instant(after duration: Duration, from start: Date) -> Date? {
        var left = duration.seconds
        var day = local(start).0
        for _ in 0..<3660 {
            if isWorkingDay(day) {
                for span in spans {
                    let spanStart = max(instant(day, minute: span.start), start)
                    let spanEnd = instant(day, minute: span.end)
                    guard spanEnd > spanStart else { continue }
                    let available = spanEnd.timeIntervalSince(spanStart)
                    if left <= available { return spanStart.addingTimeInterval(left) }
                    left -= available
                }
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// The end of the working day `instant` falls on (or of the next working day, when it falls on none).
    public func endOfWorkingDay(containing instant: Date) -> Date {
        var day = local(instant).0
        for _ in 0..<3660 where !isWorkingDay(day) { day = day.adding(days: 1) }
        return self.instant(day, minute: spans.last?.end ?? 24 * 60)
    }

    /// The deadline to send a document issued on `issued`: the end of the first working span (the morning) of the
    /// next working day (Decision 17/2019 Art 4.2; Decree 30/2020 Art 18).
    public func sendingDeadline(issued: CalendarDate) -> Date {
        var day = issued.adding(days: 1)
        for _ in 0..<3660 where !isWorkingDay(day) { day = day.adding(days: 1) }
        return instant(day, minute: spans.first?.end ?? 24 * 60)
    }

    /// The local day and minute of the day (with seconds as a fraction) of `instant`.
    func local(_ instant: Date) -> (CalendarDate, Double) {
        let day = CalendarDate(instant, in: timeZone)
        return (day, instant.timeIntervalSince(self.instant(day, minute: 0)) / 60)
    }

    /// The instant of `minute` minutes after local midnight of `day`.
    func instant(_ day: CalendarDate, minute: Int) -> Date {
        let midnightUTC = Date(timeIntervalSince1970: TimeInterval(day.secondsSinceEpoch))
        // The zone's offset at that local moment (two steps settle daylight-saving edges, which Vietnam lacks).
        var guess = midnightUTC.addingTimeInterval(
            TimeInterval(minute * 60 - timeZone.secondsFromGMT(for: midnightUTC)))
        guess = midnightUTC.addingTimeInterval(TimeInterval(minute * 60 - timeZone.secondsFromGMT(for: guess)))
        return guess
    }

    static func isoWeekday(_ day: CalendarDate) -> Int {
        let days = day.secondsSinceEpoch / 86_400  // 1970-01-01 was a Thursday (ISO 4)
        return Int(((days % 7) + 7 + 3) % 7) + 1
    }
}
