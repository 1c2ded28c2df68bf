import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `queue list|hold|release|drop` on the built binary with the daemon running (Postfix's postqueue/postsuper are
/// the model), and `--dry-run` of every admin action changing nothing.
@Suite struct QueueAdminTests {
    static let failing = "000.00.01.H53"
    static let working = "000.00.02.H53"

    /// `queue list --json`, parsed.
    private func queue(_ spool: OfficeSpool) throws -> [String: Any] {
        let result = try spool.admin(["queue", "list", "--json"])
        #expect(result.status == 0, "\(result.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    private func route(_ list: [String: Any], _ code: String) -> [String: Any] {
        (list["routes"] as? [[String: Any]] ?? []).first { $0["route"] as? String == code } ?? [:]
    }

    /// What the journal alone says is owed: each packed packet's recipients, less those delivered or given up.
    private func owedByTheJournal(_ spool: OfficeSpool) -> Set<String> {
        let journal = spool.journal()
        var owed = Set<String>()
        for record in journal where record["event"] as? String == "packed" {
            let id = record["packetId"] as? String ?? ""
            for recipient in record["to"] as? [String] ?? [] { owed.insert("\(id) \(recipient)") }
        }
        for record in journal where ["delivered", "undelivered"].contains(record["event"] as? String ?? "") {
            owed.remove("\(record["packetId"] as? String ?? "") \(record["recipient"] as? String ?? "")")
        }
        return owed
    }

    private func listed(_ list: [String: Any]) -> Set<String> {
        Set(
            (list["routes"] as? [[String: Any]] ?? []).flatMap { $0["deliveries"] as? [[String: Any]] ?? [] }.map {
                "\($0["packetId"] as? String ?? "") \($0["recipient"] as? String ?? "")"
            })
    }

    @Test func aFailingRouteIsHeldReleasedAndOneDeliveryDroppedAndTheListAgreesWithJournalAndMetrics() throws {
        let spool = try OfficeSpool(label: "queue")
        let port = try WebBrowserTests.freePort()
        let yaml = spool.root + "/office.yaml"
        try (try String(contentsOfFile: yaml, encoding: .utf8) + "\nmetrics: { listen: 127.0.0.1:\(port) }\n")
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let share = spool.directory.file("mnt/share")  // not mounted yet
        try spool.setInbox(Self.failing, share)
        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 20)
        }
        try WebBrowserTests.waitUntilListening(port)
        for number in 1...3 { try spool.drop("văn bản \(number)", number: "\(number)") }
        #expect(spool.waitUntil(30) { spool.packets(spool.inbox(Self.working)).count == 3 }, "\(daemon.log)")

        // Three wait for the failing route; the list, the journal and the gauges say so, with attempts and error.
        #expect(
            spool.waitUntil(15) {
                let page = try? MetricsTests.fetch(port)
                return page?.value("lienthong_deliveries_waiting", ["route": Self.failing]) == 3
                    && (try? queue(spool)).map { route($0, Self.failing)["deliveries"] as? [[String: Any]] }??
                        .allSatisfy { ($0["attempts"] as? Int ?? 0) > 0 && $0["lastError"] is String } == true
            }, "\(daemon.log)")
        var list = try queue(spool)
        #expect(list["total"] as? Int == 3 && route(list, Self.failing)["waiting"] as? Int == 3, "\(list)")
        #expect(route(list, Self.working).isEmpty, "\(list)")
        #expect(listed(list) == owedByTheJournal(spool))

        // Hold the route: the daemon stops trying it; the list and the held gauge say held.
        let hold = try spool.admin(["queue", "hold", "--route", Self.failing, "--reason", "chia sẻ đang bảo trì"])
        #expect(hold.status == 0, "\(hold.output)")
        let again = try spool.admin(["queue", "hold", "--route", Self.failing, "--reason", "lần hai"])
        #expect(again.status != 0 && again.stderr.contains("đang bị giữ rồi"), "\(again.output)")
        #expect(
            spool.waitUntil(15) {
                (try? MetricsTests.fetch(port))?.value("lienthong_deliveries_held", ["route": Self.failing]) == 3
            }, "\(daemon.log)")
        list = try queue(spool)
        #expect(route(list, Self.failing)["held"] as? Int == 3, "\(list)")
        let attempts = {
            (route((try? queue(spool)) ?? [:], Self.failing)["deliveries"] as? [[String: Any]] ?? []).map {
                $0["attempts"] as? Int ?? 0
            }
        }
        let heldAttempts = attempts()
        usleep(2_500_000)
        #expect(attempts() == heldAttempts, "a held route was tried")

        // Release it: tried again (and still failing).
        let release = try spool.admin(["queue", "release", "--route", Self.failing, "--reason", "bảo trì xong"])
        #expect(release.status == 0, "\(release.output)")
        #expect(
            spool.waitUntil(15) {
                (try? MetricsTests.fetch(port))?.value("lienthong_deliveries_held", ["route": Self.failing]) == 0
                    && zip(attempts(), heldAttempts).allSatisfy { $0 > $1 }
            }, "\(daemon.log)")

        // Drop one packet for the failing recipient: no ALL, no reason, no such packet are refused.
        let first = try #require(
            (route(list, Self.failing)["deliveries"] as? [[String: Any]])?.first?["packetId"] as? String)
        let noReason = try spool.admin(["queue", "drop", first, "--to", Self.failing])
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"), "\(noReason.output)")
        let everything = try spool.admin(["queue", "drop", "ALL", "--to", "ALL", "--reason", "x"])
        #expect(everything.status != 0, "\(everything.output)")
        let drop = try spool.admin([
            "queue", "drop", first, "--to", Self.failing, "--reason", "cơ quan nhận đã nhận bản giấy",
        ])
        #expect(drop.status == 0, "\(drop.output)")
        // Its other recipient has it: the originals are filed under sent/, the status saying why not to this one.
        let statusText = {
            guard let folder = spool.visible(spool.sent()).first(where: { $0.hasPrefix(first) }) else { return "" }
            let file = spool.sent() + "/\(folder)/" + "Tình trạng gửi.txt".precomposedNFC
            return (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        }
        #expect(
            spool.waitUntil(15) { statusText().contains("KHÔNG CHUYỂN — cơ quan nhận đã nhận bản giấy") },
            "\(statusText())\n\(daemon.log)")
        #expect(
            spool.waitUntil(15) {
                (try? MetricsTests.fetch(port))?.value("lienthong_deliveries_waiting", ["route": Self.failing]) == 2
            }, "\(daemon.log)")
        list = try queue(spool)
        #expect(list["total"] as? Int == 2 && !listed(list).contains("\(first) \(Self.failing)"), "\(list)")
        #expect(listed(list) == owedByTheJournal(spool))
        #expect(spool.archived()[first] != nil, "a dropped packet stays archived")

        // The share is mounted: the two others are delivered, the dropped one never.
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        #expect(spool.waitUntil(30) { spool.packets(share).count == 2 }, "\(daemon.log)")
        #expect(!spool.packets(share).contains(first))
        #expect(try queue(spool)["total"] as? Int == 0)
        #expect(
            spool.waitUntil(15) {
                (try? MetricsTests.fetch(port))?.value("lienthong_deliveries_waiting", ["route": Self.failing]) == 0
            }, "\(daemon.log)")

        // Each action is in the journal, with who and why.
        let shown = try spool.admin(["journal", "show", "--kind", "admin"])
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        for (action, reason) in [
            ("queue.hold", "chia sẻ đang bảo trì"), ("queue.release", "bảo trì xong"),
            ("queue.drop", "cơ quan nhận đã nhận bản giấy"),
        ] {
            #expect(
                lines.contains {
                    $0.contains("action=\(action)") && $0.contains("reason=\(reason)") && $0.contains("by=")
                },
                "\(shown.output)")
        }
        #expect(try spool.verifyJournal().status == 0)
    }

    @Test func aDryRunOfEveryAdminActionChangesNothingAndTheRealOnesAreJournaledWithWhoAndWhy() throws {
        let spool = try OfficeSpool(label: "dry-run")
        let share = spool.directory.file("mnt/share")  // not mounted: a queue to hold and drop
        try spool.setInbox(Self.failing, share)
        try spool.drop("cho", number: "1")
        #expect(try spool.once().status == 0)
        let waiting = try #require(
            (route(try queue(spool), Self.failing)["deliveries"] as? [[String: Any]])?.first?["packetId"] as? String)
        // The working agency's certificate was rotated (revoking the one in use is refused): the old one can be revoked.
        let fresh = try spool.newCredentials(Self.working, name: "Sở Nội vụ tỉnh Thái Bình", label: "fresh")
        let rotate = try spool.admin([
            "cert", "rotate", Self.working, "--cert", fresh.certificate, "--key", fresh.key, "--reason",
            "lý do cert.rotate",
        ])
        #expect(rotate.status == 0, "\(rotate.output)")
        let target = spool.directory.file("new-share/inbox")
        try FileManager.default.createDirectory(
            atPath: spool.directory.file("new-share"), withIntermediateDirectories: true)
        let actions: [(String, [String])] = [
            ("agency.add", ["agency", "add", "000.00.09.H53", "--name", "Sở Nội vụ tỉnh Hưng Yên"]),
            ("agency.rename", ["agency", "rename", Self.working, "--name", "Sở Tư pháp tỉnh Hưng Yên"]),
            ("agency.retire", ["agency", "retire", Self.working, "--successor", OfficeSpool.sender]),
            ("agency.merge", ["agency", "merge", Self.working, "--into", OfficeSpool.sender]),
            ("queue.hold", ["queue", "hold", "--route", Self.failing]),
            ("queue.drop", ["queue", "drop", waiting, "--to", Self.failing]),
            ("inbox.move", ["inbox", "move", Self.working, "--to", target]),
            ("cert.revoke", ["cert", "revoke", Self.working, "--since", "now", "--reason", "keyCompromise"]),
        ]
        let before = try spool.treeHash([spool.directory.file("new-share")])
        for (action, arguments) in actions {
            let preview = try spool.admin(
                arguments + ["--dry-run"] + (action == "cert.revoke" ? [] : ["--reason", "thử"]))
            #expect(preview.status == 0 && preview.stdout.contains("--dry-run"), "\(action): \(preview.output)")
            #expect(
                try spool.treeHash([spool.directory.file("new-share")]) == before,
                "\(action) --dry-run changed the spool")
        }
        #expect(spool.journal().filter { $0["event"] as? String == "admin" }.count == 1, "only the rotation")

        // Done for real (each on its own spool state, in an order where each still applies), each is journaled.
        for (action, arguments) in actions where !["agency.retire", "agency.merge"].contains(action) {
            let reason = "lý do \(action)"
            let done = try spool.admin(
                arguments + (action == "cert.revoke" ? ["--note", reason] : ["--reason", reason]))
            #expect(done.status == 0, "\(action): \(done.output)")
        }
        let merge = try spool.admin([
            "agency", "merge", Self.working, "--into", OfficeSpool.sender, "--reason", "lý do agency.merge",
        ])
        #expect(merge.status == 0, "\(merge.output)")
        let shown = try spool.admin(["journal", "show", "--kind", "admin", "--json"])
        let records = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [[String: Any]])
        let user = String(cString: getpwuid(geteuid()).pointee.pw_name)
        for action in actions.map(\.0) + ["cert.rotate"] where action != "agency.retire" {
            let record = records.first { $0["action"] as? String == action }
            #expect(record?["by"] as? String == user && record?["at"] is String, "\(action): \(records)")
            let reason = record?["reason"] as? String ?? ""
            #expect(reason.contains("lý do \(action)"), "\(action): \(record ?? [:])")
        }
        #expect(try spool.verifyJournal().status == 0)
    }
}
