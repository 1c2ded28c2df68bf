import Foundation
import Packets
import Testing

@Suite struct TimestampTests {
    /// Our hand-written formatter must agree with Foundation's ISO 8601 formatter everywhere.
    @Test func agreesWithFoundationFrom1970To2150InEveryKindOfZone() throws {
        let zones = [Timestamp.vietnam, TimeZone(identifier: "UTC")!, TimeZone(identifier: "America/St_Johns")!,
                     TimeZone(identifier: "Asia/Kathmandu")!]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...5_700_000_000_000, using: &generator)) / 1000)
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

    @Test func parsesOffsetsAndRefusesNearMisses() {
        #expect(Timestamp.parse("2026-11-24T15:42:07+07:00")?.timeIntervalSince1970 == 1_795_509_727)
        #expect(Timestamp.parse("2026-11-24T08:42:07Z")?.timeIntervalSince1970 == 1_795_509_727)
        #expect(Timestamp.parse("2026-11-24T08:42:07.5Z")?.timeIntervalSince1970 == 1_795_509_727.5)
        for bad in ["2026-11-24", "2026-11-24T08:42:07", "2026-02-30T00:00:00Z", "2026-11-24T25:00:00Z", "2026-11-24T08:42:07+0700",
                    "2026-11-24T08:42:07.Z", "2026-11-24 08:42:07Z"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }
}
