import ArgumentParser
import Foundation
import Ledger
import Packets
import Spool

extension JournalCommand {
    /// `lienthong journal show`: the journal's records, readably or as JSON, filtered by kind and time.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the journal's records readably (or as JSON), by kind and from a time.",
            discussion: """
                Streams the journal (constant memory). --kind may be given more than once (packed, received, \
                delivered, completed, registered, status, refused, set-aside, verified, rejected, started, stopped, \
                accessed, admin). --since takes an ISO 8601 time, a date yyyy-mm-dd or dd/mm/yyyy (from the start of that \
                day in the office's time zone).
                """)

        @OptionGroup
        var spool: SpoolOptions

        @Option(name: .long, help: "Only records of this kind (repeatable).")
        var kind: [String] = []

        @Option(name: .long, help: "Only records written at or after this time (ISO 8601, yyyy-mm-dd or dd/mm/yyyy).")
        var since: String?

        @Option(name: .long, help: "At most this many records (the first ones from --since).")
        var limit: Int?

        @Flag(help: "Print a JSON array of the records, each as the journal holds it.")
        var json = false

        func run() throws {
            let layout = try spool.existingLayout()
            let path = layout.state + "/journal.jsonl"
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure("no journal at \(path)", code: 2)
            }
            let timeZone =
                (FileManager.default.fileExists(atPath: layout.officeConfig)
                ? try? OfficeConfig.load(layout.officeConfig) : nil)?.calendar.timeZone ?? Timestamp.vietnam
            let from = try since.map { text -> Date in
                guard let date = JournalFilter.time(text, timeZone: timeZone) else {
                    throw CommandFailure(
                        "--since \"\(text)\" không phải thời điểm hợp lệ / is no time: write 2026-12-01, 01/12/2026 "
                            + "or 2026-12-01T08:00:00+07:00", code: 2)
                }
                return date
            }
            if let limit, limit < 1 { throw CommandFailure("--limit must be at least 1", code: 2) }
            let kinds = Set(kind)
            var shown = 0
            if json { print("[", terminator: "") }
            do {
                try Journal(path: path, repairing: false).forEachRecord { record in
                    guard limit.map({ shown < $0 }) ?? true else { return }
                    if !kinds.isEmpty, !kinds.contains(record.kind) { return }
                    if let from, let at = Timestamp.parse(record.at), at < from { return }
                    if json {
                        // The line as written (valid UTF-8 JSON: the journal writes nothing else).
                        print(shown == 0 ? "\n" : ",\n", terminator: "")
                        print(String(decoding: record.line, as: UTF8.self), terminator: "")
                    } else {
                        print(JournalFilter.line(record, timeZone: timeZone))
                    }
                    shown += 1
                }
            } catch let error as JournalRecordError {
                throw CommandFailure("journal unreadable: \(error)")
            }
            if json { print(shown == 0 ? "]" : "\n]") }
        }
    }
}

/// How `journal show` reads its filters and writes a record for people.
enum JournalFilter {
    /// An ISO 8601 time, or the start of a day (`yyyy-mm-dd`, `dd/mm/yyyy`) in `timeZone`.
    static func time(_ text: String, timeZone: TimeZone) -> Date? {
        if let date = Timestamp.parse(text) { return date }
        let day: CalendarDate?
        if let iso = CalendarDate(iso: text) {
            day = iso
        } else {
            let parts = text.split(separator: "/").compactMap { Int($0) }
            day = parts.count == 3 ? CalendarDate(year: parts[2], month: parts[1], day: parts[0]) : nil
        }
        guard let day else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
    }

    /// `#12  02/12/2026 14:05:01  rejected  agency=000.00.00.H53 reason=sidecar-invalid …`
    static func line(_ record: JournalRecord, timeZone: TimeZone) -> String {
        let when =
            Timestamp.parse(record.at).map {
                CalendarDate($0, in: timeZone).vietnamese + " "
                    + String(Timestamp.string($0, in: timeZone).dropFirst(11).prefix(8))
            } ?? record.at
        let fields = record.event.fields.map { name, value in
            "\(name)=" + (value.stringValue ?? String(decoding: JSONWriter.compactBytes(value), as: UTF8.self))
        }
        return (["#\(record.sequence)", when, record.kind] + fields).joined(separator: "  ")
    }
}
