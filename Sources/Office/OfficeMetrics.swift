import CoreMetrics
import Foundation
import Packets

/// The office's gauges and histograms, through swift-metrics (README, "Metrics"). The counters that follow the
/// journal (packed, delivered, refused, rejected, records by kind) are counted by the journal itself as it appends.
///
/// Nothing here is recorded unless the program bootstrapped a metrics backend (`lienthong watch` does, with
/// `metrics:` in office.yaml); handles are made when a value is recorded, never before the daemon runs, so that
/// they are the backend's and not the no-op ones swift-metrics hands out before bootstrapping.
public enum OfficeMetrics {
    /// How long a batch of claimed drops took, from reading their sidecars to filing them under sent/.
    public static let batchDuration = "lienthong_batch_duration_seconds"
    /// From the moment a drop was complete in the outbox (its newest status change) to its packet being archived.
    public static let dropToArchive = "lienthong_drop_to_archive_seconds"

    /// The histograms' buckets, for the backend the program bootstraps.
    public static let histogramBuckets: [String: [Duration]] = [
        batchDuration: [
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60), .seconds(120),
        ],
        dropToArchive: [
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600), .seconds(1800),
            .seconds(3600), .seconds(4 * 3600),
        ],
    ]

    static func batch(took duration: Duration) {
        CoreMetrics.Timer(label: batchDuration).recordNanoseconds(nanoseconds(duration))
    }

    static func archived(droppedAt: Date, at now: Date) {
        let seconds = max(0, now.timeIntervalSince(droppedAt))
        CoreMetrics.Timer(label: dropToArchive).recordNanoseconds(Int64(min(seconds, 1e9) * 1e9))
    }

    /// A pass over every outbox that ended without an error.
    static func passSucceeded(at now: Date) {
        Gauge(label: "lienthong_last_pass_timestamp_seconds").record(now.timeIntervalSince1970)
    }

    /// 1 while the office's own files (state/, archive/, staging, the journal) cannot be written: no space, over
    /// quota, read-only or I/O errors. Drops wait, claimed, until it is back to 0.
    static func spoolDiskFull(_ full: Bool) {
        Gauge(label: "lienthong_spool_disk_full").record(full ? 1 : 0)
    }

    /// 1 when the journal is damaged beyond a torn last line: the office has stopped working until it is restored.
    static func journalDamaged(_ damaged: Bool) {
        Gauge(label: "lienthong_journal_damaged").record(damaged ? 1 : 0)
    }

    /// A scheduled backup ran (`lienthong_backups_total{result="ok|failed"}`); after a success, its time, size and
    /// what it copied (the rest hard-linked from the one before), and 0 failures in a row.
    public static func backupRan(ok: Bool, at now: Date, bytes: Int64 = 0, copied: Int64 = 0, failures: Int) {
        Counter(label: "lienthong_backups_total", dimensions: [("result", ok ? "ok" : "failed")]).increment()
        Gauge(label: "lienthong_backup_failures_in_a_row").record(failures)
        guard ok else { return }
        Gauge(label: "lienthong_backup_last_success_timestamp_seconds").record(now.timeIntervalSince1970)
        Gauge(label: "lienthong_backup_bytes").record(bytes)
        Gauge(label: "lienthong_backup_copied_bytes").record(copied)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The gauges of each delivery route (a recipient's inbox), set after every pass: the deliveries waiting for it,
/// the age of the oldest, and whether it is failing; plus the incident open. Every route the office knows is set
/// each time, to 0 when nothing waits and it works, so a route clears as soon as it recovers.
final class RouteGauges {
    /// Routes given a value before: kept at 0 when an agency leaves the roster rather than left at their last value.
    private var known: Set<String> = []

    func update(
        waiting: [Shipment], failing: Set<String>, incidentOpen: Bool, routes: some Sequence<AgencyCode>, now: Date
    ) {
        var count: [String: Int] = [:]
        var held: [String: Int] = [:]
        var oldest: [String: Double] = [:]
        for job in waiting {
            let since = job.waitingSince
            for recipient in Set(job.pending) {
                count[recipient.rawValue, default: 0] += 1
                if job.held.contains(recipient) { held[recipient.rawValue, default: 0] += 1 }
                oldest[recipient.rawValue] = max(oldest[recipient.rawValue] ?? 0, max(0, now.timeIntervalSince(since)))
            }
        }
        known.formUnion(routes.map(\.rawValue))
        known.formUnion(count.keys)
        known.formUnion(failing)
        for route in known {
            let dimensions = [("route", route)]
            Gauge(label: "lienthong_deliveries_waiting", dimensions: dimensions).record(count[route] ?? 0)
            Gauge(label: "lienthong_deliveries_held", dimensions: dimensions).record(held[route] ?? 0)
            Gauge(label: "lienthong_oldest_waiting_seconds", dimensions: dimensions).record(oldest[route] ?? 0)
            Gauge(label: "lienthong_route_failing", dimensions: dimensions).record(failing.contains(route) ? 1 : 0)
        }
        Gauge(label: "lienthong_incidents_open").record(incidentOpen ? 1 : 0)
    }
}
