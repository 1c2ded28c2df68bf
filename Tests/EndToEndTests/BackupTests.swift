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
        #expect(second.status == 0 && second.stdout.contains("10 archive files hard-linked"), "\(second.output)")
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
        // A restore from it is refused, and leaves no spool behind.
        let target = spool.directory.file("tu-ban-hong")
        let refused = try CLI.lienthong(["restore", "--from", two, "--spool", target])
        #expect(refused.status == 1 && refused.stderr.contains("does not verify"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: target + "/agencies"))
        try FileManager.default.removeItem(atPath: two + "/office.yaml")
        #expect(try CLI.lienthong(["backup", "verify", two]).stdout.contains("missing: office.yaml"))
        // The first backup still verifies on its own.
        #expect(try CLI.lienthong(["backup", "verify", one]).status == 0)
    }

    /// The sizes of the regular files under `folder` that are not hard links of another backup's (link count 1),
    /// in all and under `archive/`.
    static func written(in folder: String) -> (all: Int64, archive: Int64) {
        var all: Int64 = 0
        var archive: Int64 = 0
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(folder + "/" + relative, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1
            else { continue }
            all += Int64(info.st_size)
            if relative.hasPrefix("archive/") { archive += Int64(info.st_size) }
        }
        return (all, archive)
    }

    @Test func aSecondBackupAfterTenPacketsWritesTenPacketsWorthAndRestoresOnItsOwn() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "backup-ten")
        for number in 1...40 {
            try spool.drop("p\(number)", number: "\(number)", document: OfficeSpool.pdf("p\(number)", size: 200_000))
        }
        #expect(try spool.once().status == 0)
        let base = spool.directory.file("sao-luu")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        #expect(try spool.admin(["backup", "create", "--to", base]).status == 0)
        let before = Set(spool.archived().keys)
        for number in 41...50 {
            try spool.drop("p\(number)", number: "\(number)", document: OfficeSpool.pdf("p\(number)", size: 200_000))
        }
        #expect(try spool.once().status == 0)
        // What the ten new packets weigh in the spool: their archive files and sidecars.
        var tenPackets: Int64 = 0
        for relative in try ProcessRunner.run("find", [spool.root + "/archive", "-type", "f"]).stdout.split(
            separator: "\n")
        where !before.contains(((String(relative) as NSString).lastPathComponent as NSString).deletingPathExtension) {
            var info = stat()
            if stat(String(relative), &info) == 0 { tenPackets += Int64(info.st_size) }
        }
        sleep(1)
        let second = try spool.admin(["backup", "create", "--to", base])
        #expect(second.status == 0, "\(second.output)")
        let names = try CLI.lienthong(["backup", "list", base]).stdout.split(separator: "\n").map {
            String($0.split(separator: " ")[0])
        }
        #expect(names.count == 2)
        let folder = base + "/" + names[1]
        let written = Self.written(in: folder)
        var total: Int64 = 0
        for line in try ProcessRunner.run("du", ["-sb", "--count-links", folder]).stdout.split(separator: "\t").prefix(
            1)
        {
            total = Int64(line) ?? 0
        }
        print(
            "second backup after ten new packets: archive files copied \(written.archive) bytes (the ten packets weigh "
                + "\(tenPackets) bytes); written in all \(written.all) bytes (index, journal, configuration included) "
                + "of \(total) bytes the backup holds")
        #expect(written.archive == tenPackets, "only the ten new packets' archive files are copied")
        #expect(written.all < total / 3, "most of the backup is hard-linked from the first")
        // The first removed, the second restores on its own.
        try FileManager.default.removeItem(atPath: base + "/" + names[0])
        #expect(try CLI.lienthong(["backup", "verify", folder]).status == 0)
        let restored = spool.directory.file("Phuc-hoi")
        let restore = try CLI.lienthong(["restore", "--from", folder, "--spool", restored])
        #expect(restore.status == 0 && restore.stdout.contains("no private keys were restored"), "\(restore.output)")
        let fixity = try CLI.lienthong(["archive", "verify", "--all", "--spool", restored])
        #expect(fixity.status == 0 && fixity.stdout.contains("50 intact, 0 changed, 0 missing"), "\(fixity.output)")
        // Never over an office: a second restore into the same folder is refused.
        let again = try CLI.lienthong(["restore", "--from", folder, "--spool", restored])
        #expect(again.status == 1 && again.stderr.contains("not empty"), "\(again.output)")
    }

    @Test(.timeLimit(.minutes(5))) func aBackupKilledAtTenMomentsIsNeverListedNorRestorable() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "backup-kill")
        for number in 1...30 {
            try spool.drop("k\(number)", number: "\(number)", document: OfficeSpool.pdf("k\(number)", size: 300_000))
        }
        #expect(try spool.once().status == 0)
        let base = spool.directory.file("sao-luu")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let pass = spool.directory.file("pass")
        try "mat-khau-sao-luu-thu\n".write(toFile: pass, atomically: true, encoding: .utf8)
        let arguments = [
            "backup", "create", "--to", base, "--include-keys", "--passphrase-file", pass, "--spool", spool.root,
        ]
        // How long one takes (the killed ones are killed within that).
        let started = Date()
        #expect(try CLI.lienthong(arguments).status == 0)
        let took = Date().timeIntervalSince(started)
        let first = try #require(try CLI.lienthong(["backup", "list", base]).stdout.split(separator: " ").first)
        var moments: [Double] = []
        for attempt in 0..<10 {
            // Spread over the run: each tenth of it, at a random point inside.
            let moment = took * (Double(attempt) + Double.random(in: 0..<1)) / 10
            moments.append(moment)
            sleep(1)  // a backup folder is named by the second
            let process = try BackgroundProcess(
                Project.lienthong, arguments, logPath: spool.directory.file("backup-\(attempt).log"))
            usleep(UInt32(moment * 1_000_000))
            process.send(SIGKILL)
            _ = process.wait(timeout: 30)
            // What is listed is complete and verifies; what is not listed cannot be restored.
            for line in try CLI.lienthong(["backup", "list", base]).stdout.split(separator: "\n") {
                let folder = base + "/" + String(line.split(separator: " ")[0])
                let verified = try CLI.lienthong(["backup", "verify", folder])
                #expect(
                    verified.status == 0, "killed at \(moment) s: a listed backup does not verify: \(verified.output)")
            }
            for hidden in try FileManager.default.contentsOfDirectory(atPath: base) where hidden.hasSuffix(".part") {
                let target = spool.directory.file("restore-\(attempt)")
                let refused = try CLI.lienthong([
                    "restore", "--from", base + "/" + hidden, "--spool", target, "--passphrase-file", pass,
                ])
                #expect(refused.status == 1, "killed at \(moment) s: \(hidden) restored: \(refused.output)")
                #expect(!FileManager.default.fileExists(atPath: target + "/agencies"))
            }
            #expect(try CLI.lienthong(["backup", "verify", base + "/" + String(first)]).status == 0)
        }
        print(
            "backup killed at " + moments.map { String(format: "%.3f", $0) }.joined(separator: ", ")
                + String(format: " s (one takes %.3f s)", took))
        // The next one completes, and clears what the killed ones left.
        sleep(1)
        let last = try CLI.lienthong(arguments)
        #expect(last.status == 0, "\(last.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasSuffix(".part") }.isEmpty)
    }

    /// An office just made, that never ran (no journal, no index yet), backs up and restores: the restored one has the
    /// journal of the restore and an index made by it; a wrong passphrase writes nothing; a failed backup leaves nothing.
    @Test func anOfficeThatNeverRanBacksUpAndRestores() throws {
        let spool = try OfficeSpool(mode: "poll", settle: "0ms", label: "backup-new")
        let base = spool.directory.file("sao-luu")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let pass = spool.directory.file("pass")
        try "mat-khau-van-phong-moi\n".write(toFile: pass, atomically: true, encoding: .utf8)
        let made = try spool.admin(["backup", "create", "--to", base, "--include-keys", "--passphrase-file", pass])
        #expect(made.status == 0, "\(made.output)")
        let name = String(try #require(try CLI.lienthong(["backup", "list", base]).stdout.split(separator: " ").first))
        let wrong = spool.directory.file("wrong")
        try "khong-phai-mat-khau-nay\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let target = spool.directory.file("Moi")
        let refused = try CLI.lienthong([
            "restore", "--from", base + "/" + name, "--spool", target, "--passphrase-file", wrong,
        ])
        #expect(refused.status == 1 && refused.stderr.contains("wrong passphrase"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: target))
        let restored = try CLI.lienthong([
            "restore", "--from", base + "/" + name, "--spool", target, "--passphrase-file", pass,
        ])
        #expect(restored.status == 0, "\(restored.output)")
        #expect(try CLI.lienthong(["doctor", "--spool", target]).status == 0)
        #expect(try CLI.lienthong(["journal", "verify", "--spool", target]).status == 0)
        // Into a folder that cannot be written: refused, and no hidden folder is left in it.
        let locked = spool.directory.file("khoa")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        let failed = try spool.admin(["backup", "create", "--to", locked + "/khong-co"])
        #expect(failed.status == 1, "\(failed.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: locked).isEmpty)
    }
}
