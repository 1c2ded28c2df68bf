import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11 (3): a recipient's inbox on a file system that is full is the destination's failure, like a share not
/// mounted: the delivery waits and is retried, and once space returns the packet is delivered — no refusal, no 02,
/// and the sender's sent/ says delivered only then.
@Suite struct DestinationFullTests {
    static let recipient = "000.00.01.H53"

    @Test func aFullInboxDiskIsWaitedForNotRefused() throws {
        let spool = try OfficeSpool(label: "dest-full")
        let disk = spool.directory.file("small-disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mounted = try ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", disk])
        guard mounted.status == 0 else {
            print(
                "DestinationFullTests: SKIPPED: mounting a small tmpfs is not permitted here (\(mounted.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
            )
            return
        }
        defer { _ = try? ProcessRunner.run("umount", ["-l", disk]) }
        let inbox = disk + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let config = spool.root + "/agencies/\(Self.recipient)/agency.yaml"
        try (try String(contentsOfFile: config, encoding: .utf8) + "inbox: \(inbox)\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        // Fill the disk to the last block.
        let filler = disk + "/filler"
        _ = try ProcessRunner.run("dd", ["if=/dev/zero", "of=\(filler)", "bs=4096"])
        _ = try ProcessRunner.run("dd", ["if=/dev/zero", "of=\(filler)-tail", "bs=1"])

        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 20)
        }
        let document = try spool.drop(
            "đĩa đầy", number: "31", to: [Self.recipient, "000.00.02.H53"],
            document: OfficeSpool.pdf("đĩa đầy", size: 40_000))
        // The other recipient has it; this one waits.
        #expect(spool.waitUntil(20) { spool.visible(spool.inbox("000.00.02.H53")).count == 1 }, "\(daemon.log)")
        #expect(
            spool.waitUntil(20) { daemon.log.contains("delivery deferred") && daemon.log.contains(Self.recipient) },
            "\(daemon.log)")
        sleep(2)  // several retries against the full disk
        #expect(spool.visible(inbox).isEmpty)
        #expect(spool.visible(spool.rejected(Self.recipient)).isEmpty, "refused instead of waiting")
        #expect(!spool.journal().contains { ($0["event"] as? String) == "refused" }, "refused instead of waiting")
        let status = spool.root + "/agencies/\(OfficeSpool.sender)/status"
        #expect(!spool.visible(status).contains { $0.hasSuffix("02.xml") }, "a 02 was sent: \(spool.visible(status))")
        #expect(spool.visible(spool.sent()).isEmpty, "filed as sent while a recipient waits")

        // Space returns: the packet is delivered, registered, acknowledged, and filed as sent.
        unlink(filler)
        unlink(filler + "-tail")
        #expect(spool.waitUntil(20) { spool.visible(inbox).count == 1 }, "\(daemon.log)")
        let delivered = try #require(spool.visible(inbox).first)
        #expect(FileManager.default.contents(atPath: inbox + "/\(delivered)/đĩa đầy.pdf") == Data(document))
        #expect(spool.waitUntil(10) { spool.visible(spool.sent()).count == 1 }, "\(daemon.log)")
        #expect(
            spool.waitUntil(10) {
                spool.visible(status).contains { $0.contains(Self.recipient) && $0.hasSuffix("03.xml") }
            })
        #expect(!spool.visible(status).contains { $0.hasSuffix("02.xml") })
        #expect(spool.visible(spool.rejected(Self.recipient)).isEmpty)
        let deliveries = spool.journal().filter { ($0["event"] as? String) == "delivered" }
        #expect(deliveries.count == 2, "\(deliveries)")
        #expect(try spool.verifyJournal().status == 0)
    }
}
