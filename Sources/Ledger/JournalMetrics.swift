import CoreMetrics

/// The counters that follow the journal: each is incremented for a record only once it is on disk, so that after a
/// run `lienthong_packets_packed_total` (summed) equals the number of `packed` records the run appended, and so on.
/// Through swift-metrics: nothing is recorded until the program bootstraps a backend (`lienthong watch` with
/// `metrics:` in office.yaml).
enum JournalMetrics {
    /// Counts records just appended.
    static func appended(_ records: [JournalRecord]) {
        for record in records {
            Counter(label: "lienthong_journal_records_total", dimensions: [("kind", record.event)]).increment()
            switch record.event {
            case "packed":
                Counter(label: "lienthong_packets_packed_total", dimensions: [("agency", label(record, "sender"))]).increment()
            case "delivered":
                Counter(label: "lienthong_packets_delivered_total", dimensions: [("agency", label(record, "recipient"))]).increment()
            case "refused":
                Counter(label: "lienthong_packets_refused_total",
                        dimensions: [("agency", label(record, "recipient")), ("reason", label(record, "reason"))]).increment()
            case "rejected":
                Counter(label: "lienthong_drops_rejected_total",
                        dimensions: [("agency", label(record, "agency")), ("reason", label(record, "reason"))]).increment()
            default:
                break
            }
        }
    }

    private static func label(_ record: JournalRecord, _ key: String) -> String {
        record.string(key).flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
    }
}
