import CoreMetrics

/// The paper fallback log's metric (README, "Metrics"): recorded through swift-metrics, exported by whatever backend
/// the program bootstrapped (Prometheus in `lienthong watch`), nothing when none.
enum FallbackMetrics {
    /// A document (to one recipient) entered into the paper fallback log, by why: `urgent`, `threshold`, `office`.
    static func paperLogEntry(reason: String) {
        Counter(label: "lienthong_paper_log_entries_total", dimensions: [("reason", reason)]).increment()
    }
}
