import Foundation
import Packets
import Testing

@Suite struct TimestampTests {
    /// Our hand-written formatter must agree with Foundation's ISO 8601 formatter everywhere.
    @Test func agreesWithFoundationFrom1970To2150InEveryKindOfZone() throws {
        let zones = [
            Timestamp.vietnam, TimeZone(identifier: "UTC")!, TimeZone(identifier: "America/St_Johns")!,
            TimeZone(identifier: "Asia/Kathmandu")!,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(
                timeIntervalSince1970: Double(Int64.random(in: 0...5_700_000_000_000, using: &generator)) / 1000)
            let zone = zones.randomElement(using: &generator)!
            let reference = ISO8601DateFormatter()
            reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            reference.timeZone = zone
            let ours = Timestamp.string(date, in: zone)
            #expect(ours == reference.string(from: date), "\(date.timeIntervalSince1970)")
            let parsed = try #require(Timestamp.parse(ours))
            #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0006)
            #expect(CalendarDate(date, in: zone).description == String(ours.prefix(10)))
        }
    }

    /// Milliseconds are rounded to the nearest, never truncated (Foundation's format style alone would truncate),
    /// and the carry reaches the second, the minute and the day; the office's offset is written ±HH:MM, UTC as Z.
    @Test func roundsMillisecondsToTheNearestAndWritesTheOfficeOffset() {
        let instant = 1_795_509_727.0  // 2026-11-24T15:42:07+07:00
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.9995)) == "2026-11-24T15:42:08.000+07:00")
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.9994)) == "2026-11-24T15:42:07.999+07:00")
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.1235)) == "2026-11-24T15:42:07.124+07:00")
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.1234)) == "2026-11-24T15:42:07.123+07:00")
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.0004)) == "2026-11-24T15:42:07.000+07:00")
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.001)) == "2026-11-24T15:42:07.001+07:00")
        // 23:59:59.9996 in Hà Nội is midnight of the next day.
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_795_539_599.9996)) == "2026-11-25T00:00:00.000+07:00")
        let utc = TimeZone(identifier: "UTC")!
        #expect(Timestamp.string(Date(timeIntervalSince1970: instant + 0.9995), in: utc) == "2026-11-24T08:42:08.000Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: -0.0004), in: utc) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: -0.0006), in: utc) == "1969-12-31T23:59:59.999Z")
        #expect(
            Timestamp.string(Date(timeIntervalSince1970: instant), in: TimeZone(identifier: "America/St_Johns")!)
                == "2026-11-24T05:12:07.000-03:30")
        #expect(
            Timestamp.string(Date(timeIntervalSince1970: instant), in: TimeZone(identifier: "Asia/Kathmandu")!)
                == "2026-11-24T14:27:07.000+05:45")
        #expect(Timestamp.clock(Date(timeIntervalSince1970: instant + 0.9995)) == "15:42")
    }

    @Test func parsesOffsetsAndRefusesNearMisses() {
        #expect(Timestamp.parse("2026-11-24T15:42:07+07:00")?.timeIntervalSince1970 == 1_795_509_727)
        #expect(Timestamp.parse("2026-11-24T08:42:07Z")?.timeIntervalSince1970 == 1_795_509_727)
        #expect(Timestamp.parse("2026-11-24T08:42:07.5Z")?.timeIntervalSince1970 == 1_795_509_727.5)
        for bad in [
            "2026-11-24", "2026-11-24T08:42:07", "2026-02-30T00:00:00Z", "2026-11-24T25:00:00Z",
            "2026-11-24T08:42:07+0700",
            "2026-11-24T08:42:07.Z", "2026-11-24 08:42:07Z",
        ] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }
}
