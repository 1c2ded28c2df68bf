import Foundation

/// ISO 8601 instants with the office's UTC offset, as metadata.json and reports write them.
public enum Timestamp {
    /// The zone the rules are written for; used when no office.yaml names another.
    public static let vietnam: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    /// `2026-11-24T15:42:07.123+07:00`.
    public static func string(_ date: Date, in timeZone: TimeZone = vietnam) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = timeZone
        return formatter.string(from: date)
    }

    /// Parses an ISO 8601 instant with an offset or `Z`, with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
