import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The running daemon, under inotify and under polling: the same drops give the same results, a slow copy is
/// never taken half-written, an agency added while it runs is served, SIGTERM stops it cleanly.
@Suite struct DaemonModeTests {
    @Test(arguments: ["inotify", "poll"])
    func dropsAreDeliveredWhileItRuns(_ mode: String) throws {
        let spool = try OfficeSpool(mode: mode, label: "daemon-\(mode)")
        let daemon = try spool.start()
        var contents: [String: [UInt8]] = [:]
        for index in 0..<10 {
            contents["vb \(index)"] = try spool.drop("vb \(index)", number: "\(index + 1)")
        }
        #expect(spool.waitUntil(30) { spool.visible(spool.sent()).count == 10 }, "\(daemon.log)")
        for (id, metadata) in spool.archived() {
            let name = (metadata["files"] as? [[String: Any]])?.first?["name"] as? String ?? ""
            for recipient in OfficeSpool.recipients {
                let delivered = try Data(contentsOf: URL(fileURLWithPath: spool.inbox(recipient) + "/\(id)/\(name)"))
                #expect(Array(delivered) == contents[String(name.dropLast(4))])
            }
        }
        #expect(spool.waitUntil(10) { spool.visible(spool.sent()).count == 10 })
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
        #expect(daemon.log.contains("office stopped"))
        #expect(try spool.verifyJournal().status == 0)
    }

    /// A document copied in pieces over several seconds, the pauses shorter than the settle time: the packet
    /// must hold the whole file, never a prefix of it.
    @Test(arguments: ["inotify", "poll"])
    func aSlowCopyIsNeverTakenHalfWritten(_ mode: String) throws {
        let spool = try OfficeSpool(mode: mode, settle: "1s", label: "slow-\(mode)")
        let daemon = try spool.start()
        let outbox = spool.outbox()
        // The sidecar first, as a clerk who prepared it in advance would.
        try Fixtures.sidecar(to: ["000.00.01.H53"], number: "1").write(
            toFile: outbox + "/chậm.json", atomically: true, encoding: .utf8)
        let full = OfficeSpool.pdf("slow", size: 400_000)
        let fd = open(outbox + "/chậm.pdf", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let pieces = 12
        let piece = full.count / pieces + 1
        for start in stride(from: 0, to: full.count, by: piece) {
            let end = min(start + piece, full.count)
            _ = full[start..<end].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            usleep(400_000)  // 12 pieces over ~5 s, each pause shorter than the 1 s settle
        }
        close(fd)
        #expect(spool.waitUntil(30) { spool.visible(spool.inbox("000.00.01.H53")).count == 1 }, "\(daemon.log)")
        let id = try #require(spool.archived().keys.first)
        let delivered = try Data(contentsOf: URL(fileURLWithPath: spool.inbox("000.00.01.H53") + "/\(id)/chậm.pdf"))
        #expect(Array(delivered) == full, "delivered \(delivered.count) of \(full.count) bytes")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0)
    }

    /// Under inotify, a writer that keeps the file open and pauses longer than the settle time is still waited for.
    @Test func anOpenWriterIsWaitedForUnderInotify() throws {
        let spool = try OfficeSpool(mode: "inotify", settle: "300ms", label: "open-writer")
        let daemon = try spool.start()
        let outbox = spool.outbox()
        try Fixtures.sidecar(to: ["000.00.01.H53"], number: "1").write(
            toFile: outbox + "/mở.json", atomically: true, encoding: .utf8)
        let full = OfficeSpool.pdf("open writer", size: 100_000)
        let fd = open(outbox + "/mở.pdf", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = full.prefix(50_000).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        usleep(1_500_000)  // five times the settle time, file still open
        #expect(spool.archived().isEmpty, "taken while its writer still had it open")
        _ = full.dropFirst(50_000).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #expect(spool.waitUntil(30) { spool.visible(spool.inbox("000.00.01.H53")).count == 1 }, "\(daemon.log)")
        let id = try #require(spool.archived().keys.first)
        let delivered = try Data(contentsOf: URL(fileURLWithPath: spool.inbox("000.00.01.H53") + "/\(id)/mở.pdf"))
        #expect(Array(delivered) == full)
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0)
    }

    @Test func anAgencyAddedWhileRunningIsServed() throws {
        let spool = try OfficeSpool(label: "new-agency")
        let daemon = try spool.start()
        // The agency must appear after the office started (on a loaded machine, starting takes more than a moment).
        #expect(spool.waitUntil(20) { daemon.log.contains("office started") }, "\(daemon.log)")
        // A fifth agency appears: its folder, its agency.yaml (reusing a demo certificate for the test).
        let code = "000.00.04.H53"
        let folder = spool.root + "/agencies/\(code)"
        for sub in ["outbox", "inbox", "rejected"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        try """
        name: Sở Tài chính tỉnh Thái Bình
        certificate: agencies/000.00.01.H53/certificate.pem
        """.write(toFile: folder + "/agency.yaml", atomically: true, encoding: .utf8)
        try spool.drop("cho sở mới", number: "1", to: [code])
        #expect(spool.waitUntil(20) { !spool.visible(spool.inbox(code)).isEmpty }, "\(daemon.log)")
        #expect(daemon.log.contains("agency added"))
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0)
    }

    /// A configured inbox on a share that is not mounted is never created: delivery waits and happens once the
    /// share is back, exactly once.
    @Test func aMissingConfiguredInboxIsWaitedForNotCreated() throws {
        let spool = try OfficeSpool(label: "share")
        let share = spool.directory.file("mnt/snv-inbox")
        let config = spool.root + "/agencies/000.00.02.H53/agency.yaml"
        try (try String(contentsOfFile: config, encoding: .utf8) + "inbox: \(share)\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        let daemon = try spool.start()
        try spool.drop("chờ", number: "1")
        #expect(
            spool.waitUntil(20) { spool.archived().count == 1 && !spool.visible(spool.inbox("000.00.01.H53")).isEmpty })
        usleep(1_000_000)
        #expect(!FileManager.default.fileExists(atPath: share), "the office created a configured inbox")
        #expect(spool.visible(spool.sent()).isEmpty, "filed as sent before every delivery")
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        #expect(spool.waitUntil(20) { spool.visible(share).count == 1 }, "\(daemon.log)")
        #expect(spool.waitUntil(10) { spool.visible(spool.sent()).count == 1 })
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0)
        let delivered = spool.journal().filter { ($0["event"] as? String) == "delivered" }
        #expect(delivered.count == 2)
    }
}
