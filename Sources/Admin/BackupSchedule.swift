import Foundation
import Spool

/// When office.yaml's `backup:` schedule runs next. With `at: "02:00"` the backups start at that time of day (office
/// time zone) — and, when `every` is shorter than a day, every `every` after it until the next day's `at`; without
/// `at`, one `every` after the last. A slot missed (the machine was off) is made up at once: the next run is the
/// first slot after the one the last completed backup belongs to, and if that is past, now.
public enum BackupSchedule {
    /// The next run after a completed backup at `lastSuccess` (nil: none yet, so now).
    public static func next(
        after lastSuccess: Date?, now: Date, schedule: OfficeConfig.Backup, timeZone: TimeZone
    ) -> Date {
        guard let lastSuccess else { return now }
        let every = TimeInterval(schedule.every.components.seconds)
        guard let at = schedule.at else { return max(now, lastSuccess.addingTimeInterval(every)) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.startOfDay(for: lastSuccess)
        // The slots of the days around the last success, in order.
        var slots: [Date] = []
        let days = Int((every / 86_400).rounded(.up)) + 2
        for offset in -1...days {
            guard let start = calendar.date(byAdding: .day, value: offset, to: day),
                let first = calendar.date(byAdding: .minute, value: at, to: start)
            else { continue }
            if every >= 86_400 {
                slots.append(first)
            } else {
                var slot = first
                while slot < first.addingTimeInterval(86_400) {
                    slots.append(slot)
                    slot = slot.addingTimeInterval(every)
                }
            }
        }
        slots.sort()
        guard let current = slots.last(where: { $0 <= lastSuccess }) else { return now }
        let due =
            every >= 86_400
            ? slots.first { $0 >= current.addingTimeInterval(every) - 60 }
            : slots.first { $0 > current }
        return max(now, due ?? now)
    }

    /// When the newest completed backup in `folder` was made (from its name), if there is one.
    public static func lastCompleted(in folder: String) -> Date? {
        guard let newest = try? Backup.completed(in: folder).last else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: String(newest.name.dropFirst(Backup.prefix.count)))
    }
}
