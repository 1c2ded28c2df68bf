import DurableIO
import Foundation
import Intake
import Ledger
import Logging
import Packets
import Spool
import TestSupport
import Testing
import WorkingTime

@testable import Office

/// The pipeline at module level, on a demo spool, with an injected clock: a drop taken through every stage, a crash
/// between archiving and delivery finished by recovery, and a deferred delivery retried when the clock says so.
/// Nothing sleeps: time moves only when a test moves it.
@Suite struct PipelineTests {
    let directory = TemporaryDirectory()
    let sender = AgencyCode("000.00.00.H53")!
    let recipients = [AgencyCode("000.00.01.H53")!, AgencyCode("000.00.02.H53")!]

    final class Clock: @unchecked Sendable {
        // Sendable: set only by the test between calls, never while the pipeline reads it.
        var now = Date()
    }

    /// A demo spool (four agencies, the demo PKI), with `agencyYAML` appended to the second recipient's agency.yaml.
    func spool(agencyYAML: String? = nil) throws -> SpoolLayout {
        let spool = SpoolLayout(root: directory.file("Spool"))
        if !FileManager.default.fileExists(atPath: spool.root) {
            try SpoolInitializer(spool: spool).run(demo: true)
            if let agencyYAML {
                let path = spool.agencyConfig(recipients[1])
                let text = try String(contentsOfFile: path, encoding: .utf8) + "\n" + agencyYAML + "\n"
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        return spool
    }

    func pipeline(_ spool: SpoolLayout, _ clock: Clock, config: OfficeConfig = OfficeConfig()) throws -> Pipeline {
        let logger = Logger(label: "test")
        let journal = try Journal(
            path: spool.state + "/journal.jsonl", timeZone: config.calendar.timeZone, clock: { clock.now })
        let index = try LedgerIndex(path: spool.state + "/index.sqlite")
        try index.catchUp(with: journal)
        return Pipeline(
            spool: spool, config: config, roster: try AgencyRoster(spool: spool, logger: logger), journal: journal,
            index: index, clock: OfficeClock(now: { clock.now }), logger: logger)
    }

    /// Drops `Công văn <number>.pdf` with its sidecar into the sender's outbox; returns it as the scanner groups it.
    func drop(_ spool: SpoolLayout, number: String) throws -> Drop {
        let outbox = spool.outbox(sender)
        try Data("%PDF-1.4\n% văn bản \(number)\n%%EOF\n".utf8).write(
            to: URL(fileURLWithPath: outbox + "/Công văn \(number).pdf"))
        try Fixtures.sidecar(to: recipients.map(\.rawValue), number: number)
            .write(toFile: outbox + "/Công văn \(number).json", atomically: true, encoding: .utf8)
        let listing = try OutboxScanner.scan(outbox, agency: sender)
        return try #require(listing.drops.first)
    }

    func journalKinds(_ spool: SpoolLayout) throws -> [String] {
        try Journal(path: spool.state + "/journal.jsonl").records().map(\.kind)
    }

    @Test func aDropGoesThroughEveryStageAndIsNumberedAtEachRecipient() throws {
        let spool = try spool()
        let clock = Clock()
        let pipeline = try pipeline(spool, clock)
        #expect(try pipeline.process([drop(spool, number: "11")]) == 1)
        #expect(pipeline.waiting.isEmpty)
        let id = try #require(
            try FileManager.default.contentsOfDirectory(atPath: spool.inbox(recipients[0])).compactMap(PacketID.init)
                .first)
        for recipient in recipients {
            let folder = spool.inbox(recipient) + "/" + id.rawValue
            #expect(FileManager.default.fileExists(atPath: folder + "/Công văn 11.pdf"))
            #expect(FileManager.default.fileExists(atPath: folder + "/" + PacketLayout.metadataName))
            #expect(try pipeline.index.arrivalNumber(packetId: id.rawValue, agency: recipient.rawValue) == 1)
            #expect(try pipeline.index.hasStatus(packetId: id.rawValue, agency: recipient.rawValue, code: "03"))
        }
        #expect(try pipeline.index.isCompleted(id.rawValue))
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.agency(sender) + "/sent").count == 1)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: spool.outbox(sender)).filter { !$0.hasPrefix(".") }
                .isEmpty)
        let kinds = try journalKinds(spool)
        #expect(kinds.filter { $0 == "packed" }.count == 1 && kinds.filter { $0 == "delivered" }.count == 2)
        #expect(kinds.filter { $0 == "registered" }.count == 2 && kinds.last == "completed")
    }

    @Test func aCrashBetweenArchivingAndDeliveryIsFinishedByRecoveryOnce() throws {
        let spool = try spool()
        let clock = Clock()
        let id = PacketID.make(at: clock.now)
        do {
            // The first process claims, prepares, builds and archives the packet, then stops: its claim's lock goes
            // with it.
            let first = try pipeline(spool, clock)
            let claim = try #require(
                try Claim.take(drop(spool, number: "12"), from: spool.outbox(sender), id: id, paths: first.paths))
            let published = try first.publish(
                first.build(first.prepare([ClaimedDrop(claim: claim, id: id, droppedAt: nil)])))
            #expect(published.map(\.id) == [id])
        }
        #expect(try journalKinds(spool).filter { $0 == "delivered" }.isEmpty)
        clock.now += 60
        let second = try pipeline(spool, clock)
        try second.recover()
        try second.recover()  // a second pass finds nothing left to do
        for recipient in recipients {
            #expect(try second.index.arrivalNumber(packetId: id.rawValue, agency: recipient.rawValue) == 1)
        }
        #expect(try second.index.isCompleted(id.rawValue))
        let kinds = try journalKinds(spool)
        #expect(kinds.filter { $0 == "packed" }.count == 1 && kinds.filter { $0 == "delivered" }.count == 2)
        #expect(kinds.filter { $0 == "registered" }.count == 2 && kinds.filter { $0 == "completed" }.count == 1)
    }

    @Test func aDeferredDeliveryIsTriedAgainOnlyWhenItsTimeComes() throws {
        // The second recipient's inbox is a share that is not mounted yet.
        let share = directory.file("share/inbox")
        let spool = try spool(agencyYAML: "inbox: \(share)")
        let clock = Clock()
        var config = OfficeConfig()
        config.outage.retryInitial = .seconds(30)
        let pipeline = try pipeline(spool, clock, config: config)
        try pipeline.process([drop(spool, number: "13")])
        let waiting = try #require(pipeline.waiting.first)
        #expect(waiting.pending == [recipients[1]] && waiting.delivered.map(\.recipient) == [recipients[0]])
        #expect(waiting.retry?.at == clock.now.addingTimeInterval(30))
        #expect(try !pipeline.index.isCompleted(waiting.id.rawValue))

        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        clock.now += 29
        try pipeline.retryDue(at: clock.now)
        #expect(
            pipeline.waiting.count == 1 && !FileManager.default.fileExists(atPath: share + "/" + waiting.id.rawValue))
        clock.now += 1
        try pipeline.retryDue(at: clock.now)
        #expect(pipeline.waiting.isEmpty)
        #expect(FileManager.default.fileExists(atPath: share + "/" + waiting.id.rawValue + "/Công văn 13.pdf"))
        #expect(try pipeline.index.arrivalNumber(packetId: waiting.id.rawValue, agency: recipients[1].rawValue) == 1)
        #expect(try pipeline.index.isCompleted(waiting.id.rawValue))
    }

    @Test func aClaimIsTakenOnceAndTakenOverOnlyWhenItsLockIsFree() throws {
        let spool = try spool()
        let paths = WorkPaths(spool: spool)
        let drop = try drop(spool, number: "14")
        let id = PacketID.make()
        let claim = try #require(try Claim.take(drop, from: spool.outbox(sender), id: id, paths: paths))
        // The files are gone from the outbox: a second take of the same drop finds nothing to take.
        #expect(try Claim.take(drop, from: spool.outbox(sender), id: PacketID.make(), paths: paths) == nil)
        #expect(try Claim.resume(sender, id: id, paths: paths) == nil)  // held
        #expect(claim.packetId == id)
        #expect(try claim.contents().count == 2)
        #expect(try claim.putBack(to: spool.outbox(sender)))
        #expect(try Claim.resume(sender, id: id, paths: paths) == nil)  // folder gone, lock file removed
        #expect(!FileManager.default.fileExists(atPath: paths.claimLock(sender, id)))
        #expect(try OutboxScanner.scan(spool.outbox(sender), agency: sender).drops.count == 1)
    }
}
