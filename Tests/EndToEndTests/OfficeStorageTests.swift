import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11, holes 4 and 7: the office's own journal and disk. A journal whose last line is cut short while the
/// daemon runs is mended under its lock at the next append; a spool whose disk fills keeps the drops (never
/// returned to the clerk) and delivers them, without a restart, once there is room again.
@Suite(.serialized) struct OfficeStorageTests {
    /// The journal's tail cut mid-line from outside (an admin's bad copy, a disk that filled) while the daemon runs:
    /// the next drops are delivered without a restart, SIGTERM exits 0 and the chain verifies.
    @Test func aJournalTornWhileTheDaemonRunsIsMended() throws {
        let spool = try OfficeSpool(label: "torn-journal")
        let daemon = try spool.start()
        for index in 0..<3 { try spool.drop("vb \(index)", number: "\(index + 1)") }
        #expect(spool.waitUntil(30) { spool.visible(spool.sent()).count == 3 }, "\(daemon.log)")
        let path = spool.root + "/state/journal.jsonl"
        let records = spool.journal().count
        // Cut the last 20 bytes (the newline and the end of the last record), holding the journal's lock as the
        // office does, so that the cut is not lost in a concurrent append.
        let lock = open(path + ".lock", O_RDWR | O_CREAT, 0o600)
        #expect(flock(lock, LOCK_EX) == 0)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(truncate(path, info.st_size - 20) == 0)
        close(lock)
        #expect(try spool.verifyJournal().status != 0, "the cut journal should not verify before the office mends it")

        for index in 3..<6 { try spool.drop("vb \(index)", number: "\(index + 1)") }
        #expect(spool.waitUntil(30) { spool.visible(spool.sent()).count == 6 }, "\(daemon.log)")
        for recipient in OfficeSpool.recipients {
            #expect(spool.waitUntil(10) { spool.visible(spool.inbox(recipient)).count == 6 })
        }
        #expect(spool.visible(spool.rejected()).isEmpty)
        #expect(daemon.log.contains("the journal's last line was torn"), "\(daemon.log)")
        #expect(!daemon.log.contains("is unreadable"), "\(daemon.log)")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
        let verified = try spool.verifyJournal()
        #expect(verified.status == 0, "\(verified.output)")
        #expect(spool.journal().count > records)
        // The index read the mended journal again: it agrees with it.
        let doctor = try CLI.lienthong(["doctor", "--spool", spool.root])
        #expect(
            !doctor.stdout.contains("index-mismatch") && !doctor.stdout.contains("journal-chain-broken"),
            "\(doctor.output)")
    }

    /// Damage that is not a torn tail (the last two lines unreadable) is never papered over: the running office
    /// stops working loudly and SIGTERM exits 1; doctor says where the chain breaks.
    @Test func aJournalDamagedBeforeItsLastLineStopsTheOfficeLoudly() throws {
        let spool = try OfficeSpool(label: "damaged-journal")
        let daemon = try spool.start()
        try spool.drop("vb 0", number: "1")
        #expect(spool.waitUntil(30) { spool.visible(spool.sent()).count == 1 }, "\(daemon.log)")
        let path = spool.root + "/state/journal.jsonl"
        let lock = open(path + ".lock", O_RDWR | O_CREAT, 0o600)
        #expect(flock(lock, LOCK_EX) == 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("garbage one\ngarbage two\n".utf8))
        try handle.close()
        close(lock)
        try spool.drop("vb 1", number: "2")
        #expect(spool.waitUntil(30) { daemon.log.contains("the journal is damaged") }, "\(daemon.log)")
        #expect(spool.visible(spool.sent()).count == 1)
        #expect(spool.visible(spool.rejected()).isEmpty)
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 1, "\(daemon.log)")
        let doctor = try CLI.lienthong(["doctor", "--spool", spool.root])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("journal-chain-broken"), "\(doctor.output)")
    }

    /// The spool on a small file system of its own, filled to a few hundred KiB free while 10 valid drops arrive:
    /// none is returned to the clerk; once the filler is removed, all 10 are delivered without a restart.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullSpoolDiskKeepsTheDropsAndDeliversThemOnceThereIsRoom() throws {
        let disk = TemporaryDirectory("lienthong-small-disk")
        let mount = try ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=12m", "tmpfs", disk.path])
        try #require(mount.status == 0, "\(mount.output)")
        defer { _ = try? ProcessRunner.run("umount", ["-l", disk.path]) }
        let spool = try OfficeSpool(label: "full-disk", root: disk.file("Spool"))
        let daemon = try spool.start()
        #expect(spool.waitUntil(20) { daemon.log.contains("office started") }, "\(daemon.log)")

        // Fill the disk to 400 KiB free.
        var info = statvfs()
        #expect(statvfs(disk.path, &info) == 0)
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        let filler = disk.file("filler")
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let chunk = [UInt8](repeating: 0x55, count: 1 << 16)
        var left = free - 400 * 1024
        while left > 0 {
            let count = chunk.prefix(min(left, chunk.count)).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            left -= count
        }
        close(fd)

        var contents: [String: [UInt8]] = [:]
        for index in 0..<10 {
            contents["vb \(index)"] = try spool.drop(
                "vb \(index)", number: "\(index + 1)", document: OfficeSpool.pdf("vb \(index)", size: 20_000))
        }
        // Every drop is taken from the outbox, and none comes back to the clerk while the disk is full.
        #expect(spool.waitUntil(30) { spool.visible(spool.outbox()).isEmpty }, "\(daemon.log)")
        usleep(4_000_000)
        #expect(spool.visible(spool.rejected()).isEmpty, "\(daemon.log)")
        #expect(spool.visible(spool.sent()).count < 10, "the disk never filled")
        #expect(daemon.log.contains("the office's own disk cannot be written"), "\(daemon.log)")
        let doctor = try CLI.lienthong(["doctor", "--spool", spool.root])
        #expect(doctor.stdout.contains("disk-full"), "\(doctor.output)")

        unlink(filler)
        #expect(spool.waitUntil(60) { spool.visible(spool.sent()).count == 10 }, "\(daemon.log)")
        for recipient in OfficeSpool.recipients {
            #expect(spool.waitUntil(20) { spool.visible(spool.inbox(recipient)).count == 10 }, "\(daemon.log)")
        }
        #expect(spool.visible(spool.rejected()).isEmpty)
        for (id, metadata) in spool.archived() {
            let name = (metadata["files"] as? [[String: Any]])?.first?["name"] as? String ?? ""
            for recipient in OfficeSpool.recipients {
                let delivered = try Data(contentsOf: URL(fileURLWithPath: spool.inbox(recipient) + "/\(id)/\(name)"))
                #expect(Array(delivered) == contents[String(name.dropLast(4))])
            }
        }
        #expect(spool.archived().count == 10)
        #expect(daemon.log.contains("the office's own disk can be written again"), "\(daemon.log)")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
        let verified = try spool.verifyJournal()
        #expect(verified.status == 0, "\(verified.output)")
        // The journal never kept a torn line: nothing had to be cut.
        #expect(!daemon.log.contains("the journal's last line was torn"), "\(daemon.log)")
    }
}
