import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The daemon is killed with SIGKILL at random moments while 1,000 documents stream into the outboxes, and
/// restarted each time. Afterwards every input is exactly one archived packet and exactly one delivery per
/// recipient, nothing temporary or partial is visible, and the journal's chain holds.
@Suite(.serialized) struct CrashTests {
    static let agencies = ["000.00.00.H53", "000.00.01.H53", "000.00.02.H53", "000.00.03.H53"]
    static let documents = 1000

    /// Sender and recipients of drop `index`: senders take turns, each sending to the next two agencies.
    static func route(_ index: Int) -> (String, [String]) {
        let sender = index % agencies.count
        return (agencies[sender], [agencies[(sender + 1) % agencies.count], agencies[(sender + 2) % agencies.count]])
    }

    @Test func killedTwentyTimesWhileDocumentsStreamInNothingIsLostOrDuplicated() throws {
        let spool = try OfficeSpool(settle: "100ms", sidecarWait: "10m", label: "crash")
        let feeding = Atomic<Bool>(true)
        let fed = Atomic<Int>(0)
        let feeder = Thread {
            for index in 0..<Self.documents {
                let (sender, to) = Self.route(index)
                let name = String(format: "vb-%04d", index)
                let document = OfficeSpool.pdf(name, size: 1000 + (index * 7919) % 40_000)
                try? Data(document).write(to: URL(fileURLWithPath: spool.outbox(sender) + "/\(name).pdf"))
                try? Fixtures.sidecar(to: to, number: "\(index + 1)", subject: "Văn bản \(name)")
                    .write(toFile: spool.outbox(sender) + "/\(name).json", atomically: false, encoding: .utf8)
                fed.store(index + 1, ordering: .relaxed)
                usleep(useconds_t(index % 50 == 0 ? 60_000 : 9_000))
            }
            feeding.store(false, ordering: .sequentiallyConsistent)
        }
        feeder.start()

        var kills = 0
        var generator = SystemRandomNumberGenerator()
        var daemon = try spool.start(log: "run-0.log")
        while feeding.load(ordering: .sequentiallyConsistent) || kills < 20 {
            usleep(UInt32.random(in: 80_000...450_000, using: &generator))
            daemon.send(SIGKILL)
            #expect(daemon.wait(timeout: 10) == 128 + SIGKILL)
            kills += 1
            daemon = try spool.start(log: "run-\(kills).log")
        }
        #expect(kills >= 20)
        let archivedAll = spool.waitUntil(120) {
            spool.archived().count >= Self.documents
                && Self.agencies.allSatisfy {
                    spool.visible(spool.outbox($0)).isEmpty && spool.visible(spool.sent($0)).count == Self.documents / 4
                }
        }
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(daemon.log)")
        #expect(
            archivedAll,
            "archived \(spool.archived().count) of \(fed.load(ordering: .relaxed)) after \(kills) kills\n\(daemon.log.suffix(3000))"
        )

        // Exactly one packet per input.
        let archived = spool.archived()
        var byNumber: [String: [String]] = [:]
        for (id, metadata) in archived {
            let key =
                "\((metadata["from"] as? [String: Any])?["organId"] as? String ?? "")/\(metadata["codeNumber"] as? String ?? "")"
            byNumber[key, default: []].append(id)
        }
        #expect(archived.count == Self.documents, "\(archived.count) packets for \(Self.documents) inputs")
        #expect(byNumber.values.allSatisfy { $0.count == 1 }, "\(byNumber.filter { $0.value.count > 1 })")
        #expect(byNumber.count == Self.documents)

        // Exactly one delivery per recipient, each complete; nothing temporary or partial visible anywhere.
        var deliveries = 0
        for agency in Self.agencies {
            for folder in spool.visible(spool.inbox(agency)) {
                deliveries += 1
                let metadata = try #require(archived[folder], "an inbox folder \(folder) with no archived packet")
                #expect((metadata["to"] as? [String])?.contains(agency) == true)
                let files =
                    (try? FileManager.default.contentsOfDirectory(atPath: spool.inbox(agency) + "/" + folder)) ?? []
                #expect(
                    files.sorted()
                        == [
                            folder + ".tar", "metadata.json", "metadata.json.p7s",
                            "GIÁ TRỊ PHÁP LÝ.txt".precomposedStringWithCanonicalMapping,
                            "\((metadata["files"] as? [[String: Any]])?.first?["name"] as? String ?? "")",
                        ].sorted(), "\(files)")
            }
            #expect(spool.visible(spool.rejected(agency)).isEmpty, "\(spool.visible(spool.rejected(agency)))")
            let staging = spool.inbox(agency) + "/.lienthong/staging"
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []).isEmpty)
            let claims = spool.outbox(agency) + "/.lienthong/claimed"
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: claims)) ?? []
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
        #expect(deliveries == 2 * Self.documents)
        let archive = spool.root + "/archive"
        for year in spool.visible(archive) {
            for month in spool.visible(archive + "/" + year) {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: archive + "/\(year)/\(month)")) ?? []
                #expect(
                    files.allSatisfy { ($0.hasSuffix(".tar") || $0.hasSuffix(".json")) && !$0.hasPrefix(".") },
                    "\(files.filter { !$0.hasSuffix(".tar") && !$0.hasSuffix(".json") })")
                #expect(files.count == 2 * files.filter { $0.hasSuffix(".tar") }.count)
            }
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: spool.root + "/state/staging")) ?? []).isEmpty)

        // The journal: its chain holds, and it records each packet and each delivery once.
        let verified = try spool.verifyJournal()
        #expect(verified.status == 0, "\(verified.output)")
        let records = spool.journal()
        let packed = records.filter { ($0["event"] as? String) == "packed" }.compactMap { $0["packetId"] as? String }
        let delivered = records.filter { ($0["event"] as? String) == "delivered" }.map {
            "\($0["packetId"] ?? "")>\($0["recipient"] ?? "")"
        }
        #expect(packed.count == Self.documents && Set(packed).count == Self.documents)
        #expect(delivered.count == 2 * Self.documents && Set(delivered).count == 2 * Self.documents)
        // Arrival numbers: each delivery registered once, numbered 1…n at each recipient without gaps or repeats.
        let registered = records.filter { ($0["event"] as? String) == "registered" }
        #expect(Set(registered.map { "\($0["packetId"] ?? "")>\($0["recipient"] ?? "")" }).count == registered.count)
        #expect(registered.count == 2 * Self.documents)
        for agency in Self.agencies {
            let numbers = registered.filter { ($0["recipient"] as? String) == agency }.compactMap {
                $0["number"] as? Int
            }
            #expect(numbers.sorted() == Array(1...max(1, numbers.count)), "\(agency): \(numbers.sorted().prefix(20))…")
        }
        let completed = records.filter { ($0["event"] as? String) == "completed" }.compactMap {
            $0["packetId"] as? String
        }
        #expect(completed.count == Self.documents && Set(completed).count == Self.documents)

        // A sample of delivered packets verifies against the spool's registry.
        for id in archived.keys.sorted().prefix(12) {
            let recipient = (archived[id]?["to"] as? [String])?.first ?? ""
            let result = try CLI.lienthong([
                "verify", spool.inbox(recipient) + "/\(id)/\(id).tar", "--spool", spool.root,
            ])
            #expect(result.status == 0, "\(result.output)")
        }
        let logs = (0...kills).map {
            (try? String(contentsOfFile: spool.directory.file("run-\($0).log"), encoding: .utf8)) ?? ""
        }
        let recovered = logs.map { $0.components(separatedBy: "recovering an unfinished claim").count - 1 }.reduce(0, +)
        #expect(recovered > 0, "no kill ever interrupted a claim: the test did not test recovery")
        print(
            "crash test: \(kills) SIGKILLs, \(recovered) interrupted claims recovered, \(archived.count) packets, \(deliveries) deliveries, \(records.count) journal records"
        )
    }
}

/// Two daemons on one spool (an office run from two machines on one share, or an admin starting a second by
/// mistake) never both take a file: each input is one packet, delivered once to each recipient.
@Suite struct TwoDaemonTests {
    @Test func twoDaemonsOnOneSpoolTakeEachDropOnce() throws {
        let spool = try OfficeSpool(settle: "100ms", sidecarWait: "10m", label: "two")
        let first = try spool.start(log: "first.log")
        let second = try spool.start(log: "second.log")
        let count = 200
        for index in 0..<count {
            let (sender, to) = CrashTests.route(index)
            let name = String(format: "đôi-%03d", index)
            try Data(OfficeSpool.pdf(name)).write(to: URL(fileURLWithPath: spool.outbox(sender) + "/\(name).pdf"))
            try Fixtures.sidecar(to: to, number: "\(index + 1)").write(
                toFile: spool.outbox(sender) + "/\(name).json", atomically: false, encoding: .utf8)
            if index % 20 == 0 { usleep(50_000) }
        }
        let done = spool.waitUntil(60) {
            spool.archived().count >= count
                && CrashTests.agencies.allSatisfy { spool.visible(spool.sent($0)).count == count / 4 }
        }
        first.send(SIGTERM)
        second.send(SIGTERM)
        let statuses = (first.wait(timeout: 30), second.wait(timeout: 30))
        #expect(
            statuses.0 == 0 && statuses.1 == 0, "\(statuses)\n\(first.log.suffix(1500))\n\(second.log.suffix(1500))")
        #expect(done, "archived \(spool.archived().count)\n\(first.log.suffix(2000))\n\(second.log.suffix(2000))")
        #expect(spool.archived().count == count)
        let deliveries = CrashTests.agencies.map { spool.visible(spool.inbox($0)).count }.reduce(0, +)
        #expect(deliveries == 2 * count)
        let records = spool.journal()
        let packed = records.filter { ($0["event"] as? String) == "packed" }.compactMap { $0["packetId"] as? String }
        #expect(packed.count == count && Set(packed).count == count)
        #expect(try spool.verifyJournal().status == 0)
        // Both did some of the work.
        #expect(
            first.log.contains("packed") && second.log.contains("packed"),
            "one daemon did everything; the test proves little")
    }
}
