import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `metrics: { listen: HOST:PORT }` on the real binary: `GET /metrics`, read by prometheus_client's own parser
/// (Tests/Tools/read_metrics.py), says what the journal says, and its route gauges follow a recipient's inbox share
/// going missing and coming back.
@Suite struct MetricsTests {
    static let failingRoute = "000.00.02.H53"

    /// One sample of /metrics.
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// What /metrics said, parsed by prometheus_client.
    struct Page {
        let contentType: String
        let families: [String: String]
        let samples: [Sample]

        /// The sum of the samples named `name` whose labels include `labels`.
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
            samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
                .reduce(0) { $0 + $1.value }
        }

        /// The samples named `name`, by the values of `label`.
        func values(_ name: String, by label: String) -> [String: Double] {
            samples.filter { $0.name == name }.reduce(into: [:]) { $0[$1.labels[label] ?? "", default: 0] += $1.value }
        }
    }

    static func fetch(_ port: Int) throws -> Page {
        let result = try ProcessRunner.run(
            "python3", [Project.file("Tests/Tools/read_metrics.py"), "http://127.0.0.1:\(port)/metrics"])
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else {
            throw ProcessError.failed("read_metrics.py", result)
        }
        let samples = (json["samples"] as? [[String: Any]] ?? []).map {
            Sample(
                name: $0["name"] as? String ?? "", labels: $0["labels"] as? [String: String] ?? [:],
                value: ($0["value"] as? NSNumber)?.doubleValue ?? .nan)
        }
        return Page(
            contentType: json["contentType"] as? String ?? "", families: json["families"] as? [String: String] ?? [:],
            samples: samples)
    }

    /// The journal records of the daemon's run (from its `started` record on).
    static func run(_ spool: OfficeSpool) -> [[String: Any]] {
        let records = spool.journal()
        let start = records.lastIndex { ($0["event"] as? String) == "started" } ?? records.count
        return Array(records[start...])
    }

    static func count(_ records: [[String: Any]], _ kind: String, by field: String) -> [String: Double] {
        records.filter { ($0["event"] as? String) == kind }.reduce(into: [:]) {
            $0[$1[field] as? String ?? "", default: 0] += 1
        }
    }

    /// Where the counters and the journal of this run must agree; empty when they do.
    static func disagreements(_ page: Page, _ journal: [[String: Any]]) -> [String] {
        var found: [String] = []
        func compare(_ name: String, _ metric: [String: Double], _ records: [String: Double]) {
            let keys = Set(metric.keys).union(records.keys)
            for key in keys.sorted() where metric[key] ?? 0 != records[key] ?? 0 {
                found.append("\(name){\(key)}: /metrics \(metric[key] ?? 0), journal \(records[key] ?? 0)")
            }
        }
        compare(
            "lienthong_journal_records_total", page.values("lienthong_journal_records_total", by: "kind"),
            journal.reduce(into: [:]) { $0[$1["event"] as? String ?? "", default: 0] += 1 })
        compare(
            "lienthong_packets_packed_total", page.values("lienthong_packets_packed_total", by: "agency"),
            count(journal, "packed", by: "sender"))
        compare(
            "lienthong_packets_delivered_total", page.values("lienthong_packets_delivered_total", by: "agency"),
            count(journal, "delivered", by: "recipient"))
        compare(
            "lienthong_packets_refused_total", page.values("lienthong_packets_refused_total", by: "agency"),
            count(journal, "refused", by: "recipient"))
        var rejected: [String: Double] = [:]
        for record in journal where (record["event"] as? String) == "rejected" {
            rejected["\(record["agency"] as? String ?? "") \(record["reason"] as? String ?? "")", default: 0] += 1
        }
        var rejectedMetric: [String: Double] = [:]
        for sample in page.samples where sample.name == "lienthong_drops_rejected_total" {
            rejectedMetric["\(sample.labels["agency"] ?? "") \(sample.labels["reason"] ?? "")", default: 0] +=
                sample.value
        }
        compare("lienthong_drops_rejected_total", rejectedMetric, rejected)
        return found
    }

    @Test func theCountersSayWhatTheJournalSaysAndTheRouteGaugesFollowAnOutage() throws {
        let spool = try OfficeSpool(label: "metrics")
        try spool.writeOfficeYAML(mode: "inotify", settle: "200ms", sidecarWait: "3s", threshold: "3s")
        let port = try WebBrowserTests.freePort()
        let yaml = spool.root + "/office.yaml"
        try (try String(contentsOfFile: yaml, encoding: .utf8) + "\nmetrics: { listen: 127.0.0.1:\(port) }\n")
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 10)
        }
        try WebBrowserTests.waitUntilListening(port)

        // Three documents to both recipients, and one whose sidecar is not JSON: it goes back to the clerk.
        for number in 1...3 { try spool.drop("văn bản \(number)", number: "\(number)") }
        try Data(OfficeSpool.pdf("hỏng")).write(to: URL(fileURLWithPath: spool.outbox() + "/hỏng.pdf"))
        try "{ \"codeNumber\": ".write(toFile: spool.outbox() + "/hỏng.json", atomically: false, encoding: .utf8)
        #expect(
            spool.waitUntil(30) {
                let journal = Self.run(spool)
                return Self.count(journal, "completed", by: "").values.reduce(0, +) == 3
                    && Self.count(journal, "rejected", by: "").values.reduce(0, +) == 1
            }, "\(daemon.log)")

        // The counters equal the journal's records (a pass may still be appending status records: look again).
        var page = try Self.fetch(port)
        var journal = Self.run(spool)
        for _ in 0..<50 where !Self.disagreements(page, journal).isEmpty {
            usleep(100_000)
            page = try Self.fetch(port)
            journal = Self.run(spool)
        }
        #expect(Self.disagreements(page, journal).isEmpty, "\(Self.disagreements(page, journal))")
        #expect(page.contentType.hasPrefix("text/plain"), "\(page.contentType)")
        #expect(page.value("lienthong_packets_packed_total", ["agency": OfficeSpool.sender]) == 3)
        #expect(
            page.values("lienthong_packets_delivered_total", by: "agency") == [
                OfficeSpool.recipients[0]: 3, OfficeSpool.recipients[1]: 3,
            ])
        let rejection = try #require(journal.first { ($0["event"] as? String) == "rejected" })
        #expect(
            page.value(
                "lienthong_drops_rejected_total",
                ["agency": OfficeSpool.sender, "reason": rejection["reason"] as? String ?? "?"]) == 1)
        #expect(page.value("lienthong_journal_records_total", ["kind": "started"]) == 1)
        #expect(
            page.families["lienthong_packets_packed"] == "counter"
                && page.families["lienthong_route_failing"] == "gauge")
        #expect(
            page.families["lienthong_batch_duration_seconds"] == "histogram"
                && page.families["lienthong_drop_to_archive_seconds"] == "histogram")
        #expect(page.value("lienthong_drop_to_archive_seconds_count") == 3)
        #expect(page.value("lienthong_batch_duration_seconds_count") >= 1)
        #expect(page.value("lienthong_drop_to_archive_seconds_bucket", ["le": "+Inf"]) == 3)
        let lastPass = page.value("lienthong_last_pass_timestamp_seconds")
        #expect(abs(lastPass - Date().timeIntervalSince1970) < 30, "last pass at \(lastPass)")
        for route in OfficeSpool.recipients {
            #expect(page.value("lienthong_deliveries_waiting", ["route": route]) == 0)
            #expect(page.value("lienthong_route_failing", ["route": route]) == 0)
        }
        #expect(page.value("lienthong_incidents_open") == 0)

        // The second recipient's inbox becomes a share that is not mounted: two documents wait for it, the route
        // fails, and past the 3-second threshold an incident opens and both go into the paper log.
        let share = spool.directory.file("mnt/inbox-\(Self.failingRoute)")
        let config = spool.root + "/agencies/\(Self.failingRoute)/agency.yaml"
        try (try String(contentsOfFile: config, encoding: .utf8) + "inbox: \(share)\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        try spool.drop("chờ 1", number: "11", to: [Self.failingRoute])
        try spool.drop("chờ 2", number: "12", to: [Self.failingRoute])
        let route = ["route": Self.failingRoute]
        #expect(
            spool.waitUntil(30) {
                guard let page = try? Self.fetch(port) else { return false }
                return page.value("lienthong_deliveries_waiting", route) == 2
                    && page.value("lienthong_route_failing", route) == 1
                    && page.value("lienthong_incidents_open") == 1
            },
            "\((try? Self.fetch(port))?.samples.filter { $0.labels["route"] != nil || $0.name.contains("incident") } ?? [])\n\(daemon.log)"
        )
        page = try Self.fetch(port)
        #expect(
            page.value("lienthong_oldest_waiting_seconds", route) >= 1,
            "\(page.value("lienthong_oldest_waiting_seconds", route))")
        #expect(page.value("lienthong_paper_log_entries_total", ["reason": "threshold"]) == 2)
        #expect(page.value("lienthong_route_failing", ["route": OfficeSpool.recipients[0]]) == 0)
        #expect(page.value("lienthong_deliveries_waiting", ["route": OfficeSpool.recipients[0]]) == 0)

        // The share is mounted: both are delivered, and the gauges clear.
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        #expect(
            spool.waitUntil(30) {
                guard let page = try? Self.fetch(port) else { return false }
                return page.value("lienthong_deliveries_waiting", route) == 0
                    && page.value("lienthong_route_failing", route) == 0
                    && page.value("lienthong_oldest_waiting_seconds", route) == 0
                    && page.value("lienthong_incidents_open") == 0
            }, "\(daemon.log)")
        #expect(spool.waitUntil(10) { spool.visible(share).count == 2 })
        page = try Self.fetch(port)
        journal = Self.run(spool)
        for _ in 0..<50 where !Self.disagreements(page, journal).isEmpty {
            usleep(100_000)
            page = try Self.fetch(port)
            journal = Self.run(spool)
        }
        #expect(Self.disagreements(page, journal).isEmpty, "\(Self.disagreements(page, journal))")
        #expect(page.value("lienthong_packets_delivered_total", ["agency": Self.failingRoute]) == 5)

        // SIGTERM stops the office and the metrics server together.
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 15) == 0, "\(daemon.log)")
        #expect(throws: (any Error).self) { try Self.fetch(port) }
        #expect((Self.run(spool).last?["event"] as? String) == "stopped")
    }

    @Test func aPortThatCannotBeBoundStopsTheOfficeBeforeItStarts() throws {
        let spool = try OfficeSpool(label: "metrics-port")
        // Something else already listens there.
        let held = try HeldPort()
        defer { withExtendedLifetime(held) {} }  // held until the test ends
        let port = held.port
        let yaml = spool.root + "/office.yaml"
        let plain = try String(contentsOfFile: yaml, encoding: .utf8)
        try (plain + "\nmetrics: { listen: 127.0.0.1:\(port) }\n").write(
            toFile: yaml, atomically: true, encoding: .utf8)
        try spool.drop("văn bản", number: "1")

        let result = try spool.once()
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("cannot serve metrics on 127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(!Self.run(spool).contains { ($0["event"] as? String) == "started" }, "the office started")
        #expect(spool.visible(spool.outbox()).count == 2, "the drop was taken")

        // A bad address is a configuration error naming its line, like every other key.
        try (plain + "\nmetrics:\n  listen: 127.0.0.1:99999\n").write(toFile: yaml, atomically: true, encoding: .utf8)
        let refused = try spool.once()
        #expect(refused.status == 2, "\(refused.output)")
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(
            refused.stderr.contains(
                "office.yaml:\(lines + 2):11: metrics.listen: \"127.0.0.1:99999\" is not HOST:PORT"),
            "\(refused.stderr)")
    }
}
