import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong backup create|verify|list` on the built binary (issue 16, first part): a complete backup verifies on
/// its own; a second one hard-links the archive files the first holds; a changed or missing file is found; an
/// unfinished backup is never listed.
@Suite struct BackupTests {
    @Test func aBackupVerifiesTheNextLinksWhatItHoldsAndAFlippedByteIsFound() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "backup")
        for number in 1...5 { try spool.drop("bk\(number)", number: "\(number)") }
        #expect(try spool.once().status == 0)
        let base = spool.directory.file("sao-luu")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let first = try spool.admin(["backup", "create", "--to", base])
        #expect(first.status == 0, "\(first.output)")
        // An unfinished one (a backup killed half-way) is not a backup.
        try FileManager.default.createDirectory(
            atPath: base + "/.lienthong-backup-20000101T000000Z.part/state", withIntermediateDirectories: true)
        let listed = try CLI.lienthong(["backup", "list", base])
        let names = listed.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        #expect(names.count == 1 && names[0].hasPrefix("lienthong-backup-"), "\(listed.output)")
        let one = base + "/" + names[0]
        #expect(try CLI.lienthong(["backup", "verify", one]).status == 0)
        // Its journal verifies as a journal (the backup's folder has a spool's layout).
        #expect(try CLI.lienthong(["journal", "verify", "--spool", one]).status == 0)
        let version = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: one + "/version.json")))
                as? [String: Any])
        #expect((version["journal"] as? [String: Any])?["sequence"] as? Int ?? 0 > 5, "\(version)")

        // Two more documents; the next backup copies what changed and hard-links the archive files it had.
        for number in 6...7 { try spool.drop("bk\(number)", number: "\(number)") }
        #expect(try spool.once().status == 0)
        sleep(1)  // backup folders are named by the second
        let second = try spool.admin(["backup", "create", "--to", base])
        #expect(second.status == 0 && second.stdout.contains("5 archive files hard-linked"), "\(second.output)")
        let both = try CLI.lienthong(["backup", "list", base]).stdout.split(separator: "\n")
        #expect(both.count == 2)
        let two = base + "/" + String(both[1].split(separator: " ")[0])
        let tars = try ProcessRunner.run("find", [two + "/archive", "-name", "*.tar"]).stdout.split(separator: "\n")
        #expect(tars.count == 7)
        let links = tars.filter { path in
            var info = stat()
            return stat(String(path), &info) == 0 && info.st_nlink == 2
        }
        #expect(links.count == 5, "the five archive files of the first backup are shared, not copied")
        #expect(try CLI.lienthong(["backup", "verify", two]).status == 0)

        // A flipped byte anywhere, a file removed: found.
        let index = two + "/state/index.sqlite"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: index))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: index))
        let flipped = try CLI.lienthong(["backup", "verify", two])
        #expect(flipped.status == 1 && flipped.stdout.contains("changed: state/index.sqlite"), "\(flipped.output)")
        try FileManager.default.removeItem(atPath: two + "/office.yaml")
        #expect(try CLI.lienthong(["backup", "verify", two]).stdout.contains("missing: office.yaml"))
        // The first backup still verifies on its own.
        #expect(try CLI.lienthong(["backup", "verify", one]).status == 0)
    }
}
