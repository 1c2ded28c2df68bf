import Foundation
import Packets
import Spool
import Testing

@testable import WorkingTime

@Suite struct WorkingCalendarTests {
    let calendar = WorkingCalendar(
        OfficeConfig().calendar.with(holidays: [CalendarDate(year: 2026, month: 12, day: 1)!]))

    /// A Vietnam-time instant.
    func at(_ text: String) -> Date { Timestamp.parse(text + "+07:00")! }

    @Test func countsOnlyWorkingTime() {
        #expect(calendar.workingTime(from: at("2026-11-24T08:00:00"), to: at("2026-11-24T10:00:00")) == .seconds(7200))
        // Across the lunch break: 10:30–11:30 and 13:30–14:30.
        #expect(calendar.workingTime(from: at("2026-11-24T10:30:00"), to: at("2026-11-24T14:30:00")) == .seconds(7200))
        // Nothing counts at night, on Saturday and Sunday, or on a holiday (Tuesday 1 December).
        #expect(calendar.workingTime(from: at("2026-11-24T17:00:00"), to: at("2026-11-25T07:30:00")) == .zero)
        #expect(calendar.workingTime(from: at("2026-11-28T00:00:00"), to: at("2026-11-30T00:00:00")) == .zero)
        #expect(calendar.workingTime(from: at("2026-12-01T00:00:00"), to: at("2026-12-02T00:00:00")) == .zero)
        #expect(!calendar.isWorking(at("2026-11-24T12:00:00")) && calendar.isWorking(at("2026-11-24T13:30:00")))
    }

    @Test func theFourHourThresholdIsReachedExactlyAcrossLunchWeekendAndHoliday() {
        let threshold = Duration.seconds(4 * 3600)
        // Friday 16:00 → 1 h on Friday, Monday 07:30–10:30 → reached Monday 10:30.
        #expect(calendar.instant(after: threshold, from: at("2026-11-27T16:00:00")) == at("2026-11-30T10:30:00"))
        // Monday 10:00 → 1.5 h before lunch, 2.5 h after: 16:00.
        #expect(calendar.instant(after: threshold, from: at("2026-11-30T10:00:00")) == at("2026-11-30T16:00:00"))
        // Monday 15:00 → 2 h Monday, Tuesday is a holiday, 2 h Wednesday: 09:30.
        #expect(calendar.instant(after: threshold, from: at("2026-11-30T15:00:00")) == at("2026-12-02T09:30:00"))
        // One second before, the threshold is not reached; at the instant it is, and nothing counts over lunch.
        #expect(
            calendar.workingTime(from: at("2026-11-27T16:00:00"), to: at("2026-11-30T10:29:59")) == threshold
                - .seconds(1))
        #expect(calendar.workingTime(from: at("2026-11-27T16:00:00"), to: at("2026-11-30T10:30:00")) == threshold)
        #expect(calendar.workingTime(from: at("2026-11-30T10:00:00"), to: at("2026-11-30T13:30:00")) == .seconds(5400))
        #expect(calendar.workingTime(from: at("2026-11-30T15:00:00"), to: at("2026-12-02T07:30:00")) == .seconds(7200))
        // Starting at night counts from the next span.
        #expect(calendar.instant(after: .seconds(60), from: at("2026-11-24T22:00:00")) == at("2026-11-25T07:31:00"))
    }

    @Test func aCalendarWorkingAroundTheClock() {
        var config = OfficeConfig().calendar
        config.workingDays = [1, 2, 3, 4, 5, 6, 7]
        config.workingHours = [OfficeConfig.WorkingSpan(start: 0, end: 24 * 60)]
        let always = WorkingCalendar(config)
        #expect(always.workingTime(from: at("2026-11-28T23:00:00"), to: at("2026-11-29T01:00:00")) == .seconds(7200))
        #expect(always.instant(after: .seconds(3), from: at("2026-11-28T23:59:59")) == at("2026-11-29T00:00:02"))
    }

    @Test func deadlinesOfTheRules() {
        // Issued Friday: sent at the latest by the end of Monday morning (Decision 17/2019 Art 4.2).
        #expect(
            calendar.sendingDeadline(issued: CalendarDate(year: 2026, month: 11, day: 27)!) == at("2026-11-30T11:30:00")
        )
        // Issued Monday 30 November: Tuesday is a holiday, so Wednesday morning.
        #expect(
            calendar.sendingDeadline(issued: CalendarDate(year: 2026, month: 11, day: 30)!) == at("2026-12-02T11:30:00")
        )
        // A receipt is on time until the end of the working day (Decree 30/2020 Art 21.2).
        #expect(calendar.endOfWorkingDay(containing: at("2026-11-24T09:00:00")) == at("2026-11-24T17:00:00"))
        #expect(calendar.endOfWorkingDay(containing: at("2026-11-28T09:00:00")) == at("2026-11-30T17:00:00"))
        #expect(WorkingCalendar.isoWeekday(CalendarDate(year: 2026, month: 11, day: 24)!) == 2)
    }
}

extension OfficeConfig.Calendar {
    func with(holidays: Set<CalendarDate>) -> OfficeConfig.Calendar {
        var copy = self
        copy.holidays = holidays
        return copy
    }
}
