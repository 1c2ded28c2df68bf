import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `inbox move` while documents stream in, with the daemon and the move itself killed on the way: every delivery
/// ends at the new place exactly once, and the old place is left as it was at the switch until `--remove-old`.
@Suite struct InboxMoveTests {
    static let province = "000.00.00.H53"
    static let office = "000.00.01.H53"

    @Test func aMoveWhile300DocumentsStreamInSurvivesKillingTheDaemonAndTheMove() throws {
        let spool = try OfficeSpool(label: "inbox-move")
        let old = spool.inbox(Self.office)
        let new = spool.directory.file("mnt/new-share/inbox")
        try FileManager.default.createDirectory(
            atPath: (new as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var daemon = try spool.start(log: "daemon-1.log")
        let total = 300
        let stream = Thread {
            for index in 0..<total {
                _ = try? spool.drop("vb \(index)", number: "\(index + 1)", from: Self.province, to: [Self.office])
                usleep(30_000)
            }
        }
        stream.start()
        #expect(spool.waitUntil(60) { spool.packets(old).count >= 60 }, "\(daemon.log)")

        // The move, killed soon after it began copying.
        let first = try BackgroundProcess(
            Project.lienthong, ["inbox", "move", Self.office, "--to", new, "--spool", spool.root, "--reason", "ổ mới"],
            logPath: spool.directory.file("move-1.log"))
        let progress = spool.root + "/state/moves/\(Self.office).json"
        #expect(spool.waitUntil(20) { FileManager.default.fileExists(atPath: new) }, "\(first.log)")
        usleep(20_000)
        first.send(SIGKILL)
        _ = first.wait(timeout: 10)
        #expect(FileManager.default.fileExists(atPath: progress), "a killed move leaves its progress")
        let yaml = try String(contentsOfFile: spool.root + "/agencies/\(Self.office)/agency.yaml", encoding: .utf8)
        print(
            "inbox move: killed \(yaml.contains(new) ? "after" : "before") the switch; \(spool.visible(new).count) entries copied"
        )
        if !yaml.contains(new) {
            // Not switched: the old place stays in service, and doctor says the move is unfinished.
            let doctor = try spool.admin(["doctor"])
            #expect(doctor.stdout.contains("inbox-move-unfinished"), "\(doctor.output)")
        }

        // The daemon, killed in the middle of its work and started again.
        let before = spool.packets(old).count
        #expect(spool.waitUntil(30) { spool.packets(old).count > before + 5 }, "\(daemon.log)")
        daemon.send(SIGKILL)
        _ = daemon.wait(timeout: 10)
        daemon = try spool.start(log: "daemon-2.log")

        // The move again: it finishes what the killed one began.
        let second = try spool.admin(["inbox", "move", Self.office, "--to", new, "--reason", "ổ mới (làm tiếp)"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("verified"), "\(second.output)")
        let oldAtSwitch = try spool.folderHash(old)
        #expect(!FileManager.default.fileExists(atPath: progress) || second.stdout.contains("left at"))

        while !stream.isFinished { usleep(50_000) }
        #expect(
            spool.waitUntil(90) {
                spool.archived().count == total && Set(spool.packets(new)).isSuperset(of: spool.archived().keys)
            }, "\(daemon.log)")
        let archived = Set(spool.archived().keys)
        #expect(archived.count == total, "each drop one packet: \(archived.count)")
        #expect(Set(spool.packets(new)) == archived, "every delivery at the new place")
        for id in archived {
            let files = spool.visible(new + "/" + id)
            #expect(files.contains("metadata.json") && files.contains("\(id).tar"), "\(id): \(files)")
        }
        let delivered = spool.records("delivered").compactMap { $0["packetId"] as? String }
        #expect(delivered.count == Set(delivered).count && Set(delivered) == archived, "each delivered once")
        #expect(spool.records("registered").count == total)

        // The old place is as the switch left it; nothing landed there after.
        #expect(try spool.folderHash(old) == oldAtSwitch)
        #expect(spool.packets(old).count < total, "the switch came while documents still streamed in")

        // --remove-old: only what the new place holds goes.
        let remove = try spool.admin(["inbox", "move", Self.office, "--to", new, "--remove-old", "--reason", "đã kiểm"])
        #expect(remove.status == 0, "\(remove.output)")
        #expect(spool.visible(old).isEmpty, "\(spool.visible(old))")
        #expect(!FileManager.default.fileExists(atPath: progress))
        let doctor = try spool.admin(["doctor"])
        #expect(!doctor.stdout.contains("[inbox-move-"), "\(doctor.output)")
        let actions = spool.records("admin").compactMap { $0["action"] as? String }
        #expect(actions.filter { $0 == "inbox.move" }.count >= 2 && actions.contains("inbox.moved"), "\(actions)")
        #expect(try spool.verifyJournal().status == 0)
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
    }
}
