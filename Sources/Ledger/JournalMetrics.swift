import CoreMetrics
import Packets

/// The counters that follow the journal: each is incremented for a record only once it is on disk, so that after a
/// run `lienthong_packets_packed_total` (summed) equals the number of `packed` records the run appended, and so on.
/// Through swift-metrics: nothing is recorded until the program bootstraps a backend (`lienthong watch` with
/// `metrics:` in office.yaml).
enum JournalMetrics {
    /// Counts records just appended.
    static func appended(_ records: [JournalRecord]) {
        for record in records {
            Counter(label: "lienthong_journal_records_total", dimensions: [("kind", record.kind)]).increment()
            switch record.event {
            case .packed(let packet):
                Counter(
                    label: "lienthong_packets_packed_total", dimensions: [("agency", label(packet.sender.rawValue))]
                ).increment()
            case .delivered(_, let recipient, _):
                Counter(label: "lienthong_packets_delivered_total", dimensions: [("agency", label(recipient.rawValue))])
                    .increment()
            case .refused(_, let recipient, let reason, _, _):
                Counter(
                    label: "lienthong_packets_refused_total",
                    dimensions: [("agency", label(recipient.rawValue)), ("reason", label(reason))]
                ).increment()
            case .rejected(_, let agency, _, let reason, _):
                Counter(
                    label: "lienthong_drops_rejected_total",
                    dimensions: [("agency", label(agency.rawValue)), ("reason", label(reason))]
                ).increment()
            case .received, .completed, .registered, .status, .setAside, .verified, .started, .stopped, .accessed,
                .admin, .redirected, .undelivered, .relocated:
                break
            }
        }
    }

    private static func label(_ value: String) -> String { value.isEmpty ? "unknown" : value }
}
