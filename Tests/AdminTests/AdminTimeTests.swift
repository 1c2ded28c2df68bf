import Admin
import Foundation
import Testing

/// The times an admin writes for `--at` and `--since`.
@Suite struct AdminTimeTests {
    static let vietnam = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    static let now = Date(timeIntervalSince1970: 1_751_302_800)  // 2025-07-01T00:00:00+07:00

    @Test func nowIsTheInjectedClock() {
        #expect(AdminTime.parse("now", timeZone: Self.vietnam, now: Self.now) == Self.now)
        #expect(AdminTime.parse(" now ", timeZone: Self.vietnam, now: Self.now) == Self.now)
    }

    @Test func aFullTimestampKeepsItsOwnOffset() {
        let utc = AdminTime.parse("2025-06-30T17:00:00Z", timeZone: Self.vietnam, now: .distantPast)
        let local = AdminTime.parse("2025-07-01T00:00:00+07:00", timeZone: Self.vietnam, now: .distantPast)
        #expect(utc == Self.now && local == Self.now)
    }

    @Test func aDateAndTimeWithoutOffsetIsInTheOfficeZone() {
        #expect(AdminTime.parse("2025-07-01", timeZone: Self.vietnam, now: .distantPast) == Self.now)
        #expect(AdminTime.parse("2025-07-01 00:00", timeZone: Self.vietnam, now: .distantPast) == Self.now)
        #expect(
            AdminTime.parse("2025-07-01T08:30:15", timeZone: Self.vietnam, now: .distantPast)
                == Self.now.addingTimeInterval(8 * 3600 + 30 * 60 + 15))
        let utc = TimeZone(identifier: "UTC")!
        #expect(
            AdminTime.parse("2025-07-01", timeZone: utc, now: .distantPast) == Self.now.addingTimeInterval(7 * 3600))
    }

    @Test(arguments: ["", "tomorrow", "2025-13-01", "2025-02-30", "2025-07-01 24:00", "2025-07-01 8", "01/07/2025 x"])
    func whatIsNoTimeIsRefused(_ text: String) {
        #expect(AdminTime.parse(text, timeZone: Self.vietnam, now: Self.now) == nil)
    }
}
