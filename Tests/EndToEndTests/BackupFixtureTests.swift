import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A backup made by the release that introduced backups (commit a91d6b0, `Tests/Fixtures/backup-a91d6b0/`, made by
/// `Tests/Tools/make_backup_fixture.sh`), restored by this build: every later release is held to restoring it.
/// The restore itself runs on the real clock (a backup's signature is checked over its manifest, whatever the date);
/// the restored office runs on the fixture's clock an hour after it was made (2026-12-04 10:00 in Vietnam), when its
/// demo certificates and revocation list are valid, through libfaketime as `PrechangeFixtureTests` does.
@Suite struct BackupFixtureTests {
    static let fixture = Project.file("Tests/Fixtures/backup-a91d6b0")
    /// 2026-12-04 10:00:00 in Asia/Ho_Chi_Minh (03:00 UTC).
    static let moment: Int64 = 1_796_353_200

    struct Expected: Decodable {
        let backup: String
        let packets: [String]
        let journalSequence: Int64
        let indexSchema: String
    }

    @Test func theFirstReleasesBackupRestoresAndTheOfficeCarriesOn() throws {
        let library = try #require(
            PrechangeFixtureTests.libfaketime, "libfaketime is missing (apt-get install faketime)")
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/expected.json")))
        let directory = TemporaryDirectory("lienthong-backup-fixture")
        let unpacked = try ProcessRunner.run(
            "tar", ["-xzf", Self.fixture + "/backup.tar.gz", "-C", directory.path], timeout: 60)
        #expect(unpacked.status == 0, "\(unpacked.output)")
        let backup = directory.file(expected.backup)
        let verified = try CLI.lienthong(["backup", "verify", backup])
        #expect(verified.status == 0, "\(verified.output)")
        let root = directory.file("Spool")
        let restored = try CLI.lienthong([
            "restore", "--from", backup, "--spool", root, "--passphrase-file", Self.fixture + "/passphrase.txt",
        ])
        #expect(restored.status == 0 && restored.stdout.contains("5 key file(s)"), "\(restored.output)")
        #expect(
            restored.stdout.contains("journal runs on from record \(expected.journalSequence)"), "\(restored.output)")

        let offset = Self.moment - (try PrechangeFixtureTests.realNow())
        let environment = [
            "LD_PRELOAD": library, "FAKETIME": offset >= 0 ? "+\(offset)" : "\(offset)",
            "FAKETIME_SHARED": "/lienthong-none /lienthong-none", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "TZ": "Asia/Ho_Chi_Minh", "LC_ALL": "C.UTF-8",
        ]
        func lienthong(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(
                Project.lienthong, arguments + ["--spool", root], environment: environment, timeout: 120)
        }
        #expect(try lienthong(["journal", "verify"]).status == 0)
        let fixity = try lienthong(["archive", "verify", "--all"])
        #expect(
            fixity.status == 0 && fixity.stdout.contains("\(expected.packets.count) intact, 0 changed, 0 missing"),
            "\(fixity.output)")
        let search = try lienthong(["archive", "search", "--limit", "100", "--json"])
        let hits = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any]
        let found = Set(((hits?["hits"] as? [[String: Any]]) ?? []).compactMap { $0["packetId"] as? String })
        #expect(found == Set(expected.packets), "\(search.output)")

        // The restored office sends and receives on: the next arrival follows the backup's last.
        let recipient = "000.00.01.H53"
        func arrivals() throws -> [Int] {
            let register = try lienthong([
                "register", "incoming", "--agency", recipient, "--year", "2026", "--format", "csv",
            ])
            let lines = register.stdout.split(whereSeparator: \.isNewline).map(String.init)
            let header = (lines.first ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .init(charactersIn: "\"\u{FEFF}"))
            }
            guard let column = header.firstIndex(of: "Số đến") else { return [] }
            return lines.dropFirst().compactMap { line in
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                return cells.count > column ? Int(cells[column].trimmingCharacters(in: .init(charactersIn: "\""))) : nil
            }
        }
        let before = try arrivals()
        #expect(!before.isEmpty && before == Array(1...before.count), "\(before)")
        let outbox = root + "/agencies/000.00.00.H53/outbox"
        try Data(OfficeSpool.pdf("sau phục hồi")).write(to: URL(fileURLWithPath: outbox + "/moi.pdf"))
        try Fixtures.sidecar(to: [recipient], number: "901", subject: "Văn bản sau phục hồi", issued: "2026-12-04")
            .write(toFile: outbox + "/moi.json", atomically: false, encoding: .utf8)
        let once = try lienthong(["watch", "--once"])
        #expect(once.status == 0, "\(once.output)")
        #expect(try arrivals() == Array(1...(before.count + 1)))
        #expect(try lienthong(["journal", "verify"]).status == 0)
    }

    /// A backup of the spool the release before issue 12 left (its index at an old schema): the restore runs this
    /// release's migrations over the copy and the restored office answers as the spool does.
    @Test func aBackupOfAnOldSchemaIsMigratedOnRestore() throws {
        let spool = try PrechangeFixtureTests.Extracted(label: "backup-old-schema")
        let base = spool.directory.file("sao-luu")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let made = try spool.lienthong(["backup", "create", "--to", base])
        #expect(made.status == 0, "\(made.output)")
        let name = try #require(try CLI.lienthong(["backup", "list", base]).stdout.split(separator: " ").first)
        let version =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: base + "/" + name + "/version.json"))) as? [String: Any]
        let schema = try #require(version?["indexSchema"] as? String)
        let target = spool.directory.file("Phuc-hoi")
        let restored = try ProcessRunner.run(
            Project.lienthong, ["restore", "--from", base + "/" + name, "--spool", target],
            environment: spool.environment, timeout: 120)
        #expect(restored.status == 0 && restored.stdout.contains("\(schema) → migrations v"), "\(restored.output)")
        let old = try spool.lienthong(["archive", "search", "--limit", "100", "--json"])
        let new = try ProcessRunner.run(
            Project.lienthong, ["archive", "search", "--limit", "100", "--json", "--spool", target],
            environment: spool.environment, timeout: 120)
        func ids(_ result: ProcessResult) -> [String] {
            let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return ((json?["hits"] as? [[String: Any]]) ?? []).compactMap { $0["packetId"] as? String }
        }
        #expect(!ids(old).isEmpty && ids(new) == ids(old), "\(new.output)")
        let fixity = try ProcessRunner.run(
            Project.lienthong, ["archive", "verify", "--all", "--spool", target], environment: spool.environment,
            timeout: 120)
        #expect(fixity.status == 0, "\(fixity.output)")
    }
}
