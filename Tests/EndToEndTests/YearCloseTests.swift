import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong year close` on the built binary: last year's documents made with the clock set back by libfaketime
/// (absolute moments in the year before the one the suite runs in, so every later date works the same), closed at
/// the real time.
@Suite struct YearCloseTests {
    static let recipient = RotationTests.recipient
    static let away = "000.00.02.H53"

    /// The office's current year, a past year that can be closed, and moments in it (Vietnam time). The year
    /// before yesterday's: on 1 January the year just ended is not over in UTC until 07:00 (packet ids and the
    /// archive's folders are dated in UTC), and the suite's rerun at 31 December 23:59:30 crosses midnight.
    static func lastYear() -> (current: Int, year: Int, june: Date, november: Date, december: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let current = calendar.component(.year, from: Date())
        let year = calendar.component(.year, from: Date().addingTimeInterval(-86_400)) - 1
        func at(_ month: Int, _ day: Int) -> Date {
            calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 10))!
        }
        return (current, year, at(6, 10), at(11, 20), at(12, 2))
    }

    func sqlite(_ spool: OfficeSpool, _ query: String) throws -> String {
        try ProcessRunner.run("sqlite3", [spool.root + "/state/index.sqlite", query]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aYearClosesOnceDeliveredAndHoldsItsArchiveToTheSignedManifest() throws {
        let (current, year, june, november, december) = Self.lastYear()
        let spool = try RotationTests.spool("year-close", madeBefore: june)
        let root = spool.root
        let share = spool.directory.file("share-02")
        try spool.setInbox(Self.away, share)  // not mounted: its delivery waits

        for number in 1...4 {
            try RotationTests.drop(spool, "june\(number)", to: Self.recipient, number: number, issuedAt: june)
        }
        let first = try RotationTests.at(june, ["watch", "--once", "--spool", root])
        try #require(first.status == 0, "\(first.output)")
        try RotationTests.drop(spool, "waiting", to: Self.away, number: 5, issuedAt: november)
        let second = try RotationTests.at(november, ["watch", "--once", "--spool", root])
        try #require(second.status == 0, "\(second.output)")
        let waitingId = try sqlite(spool, "SELECT packetId FROM packet WHERE codeNumber = '5'")
        #expect(!waitingId.isEmpty)

        // Not while a delivery of the year waits: refused with its list, nothing written.
        let refused = try spool.admin(["year", "close", String(year), "--reason", "khoá sổ cuối năm"])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(
            refused.output.contains(waitingId) && refused.output.contains(Self.away), "\(waitingId) \(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: root + "/years"))
        // Nor the year that is running.
        let early = try spool.admin(["year", "close", String(current)])
        #expect(early.status == 1 && early.output.contains("not over"), "\(early.output)")

        // The share comes back; the delivery is made; the year closes.
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        let delivered = try spool.once()
        #expect(delivered.status == 0 && FileManager.default.fileExists(atPath: share + "/" + waitingId))
        let dry = try spool.admin(["year", "close", String(year), "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("--dry-run"), "\(dry.output)")
        #expect(!FileManager.default.fileExists(atPath: root + "/years"))
        let close = try spool.admin(["year", "close", String(year), "--reason", "khoá sổ cuối năm"])
        #expect(close.status == 0, "\(close.output)")

        // The manifest: every packet, its hash, signed by the office and verifiable with openssl alone.
        let folder = root + "/years/\(year)"
        let manifestPath = folder + "/manifest.json"
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let packets = try #require(manifest["packets"] as? [[String: Any]])
        #expect(packets.count == 5 && manifest["year"] as? Int == year && manifest["forced"] as? Bool == false)
        for packet in packets {
            let archive = try #require(packet["archive"] as? String)
            let hashed = try ProcessRunner.run("sha256sum", [root + "/" + archive]).stdout.prefix(64)
            #expect(String(hashed) == packet["sha256"] as? String, "\(archive)")
        }
        let verified = try ProcessRunner.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", manifestPath + ".p7s", "-content", manifestPath,
                "-CAfile", root + "/trust/ca/lienthong-demo-root-ca.pem", "-out", "/dev/null",
            ])
        #expect(verified.status == 0, "\(verified.output)")
        // Chained into the journal: the year.close record names the manifest's SHA-256.
        let closing = try #require(spool.records("admin").last { $0["action"] as? String == "year.close" })
        let details = try #require(closing["details"] as? [String: Any])
        let manifestHash = try ProcessRunner.run("sha256sum", [manifestPath]).stdout.prefix(64)
        #expect(details["sha256"] as? String == String(manifestHash))
        #expect(try spool.verifyJournal().status == 0)
        // The final registers, printable and as CSV, closed.
        let incoming = try String(contentsOfFile: folder + "/\(Self.recipient)/so-van-ban-den.csv", encoding: .utf8)
        #expect(incoming.split(whereSeparator: \.isNewline).count == 1 + 4, "\(incoming) \(first.output)")
        let page = try String(contentsOfFile: folder + "/\(Self.recipient)/so-van-ban-den.html", encoding: .utf8)
        #expect(page.contains("Sổ đã khoá ngày") && page.contains("năm \(year) kết thúc"))
        for name in ["so-van-ban-di", "so-van-ban-di-mat", "so-van-ban-den-mat"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/\(OfficeSpool.sender)/\(name).html"), "\(name)")
        }
        let outgoing = try String(contentsOfFile: folder + "/\(OfficeSpool.sender)/so-van-ban-di.csv", encoding: .utf8)
        #expect(outgoing.split(whereSeparator: \.isNewline).count == 1 + 5, "\(outgoing)")
        // The archive of the year is read-only now; closing again changes nothing.
        var info = stat()
        #expect(stat(root + "/archive/\(year)", &info) == 0 && info.st_mode & 0o222 == 0)
        let again = try spool.admin(["year", "close", String(year)])
        #expect(again.status == 0 && again.stdout.contains("already closed"), "\(again.output)")
        let clean = try spool.admin(["archive", "verify", "--all"])
        #expect(clean.status == 0, "\(clean.output)")

        // An arrival dated in the closed year (the clock set back into it): archived and registered in the next
        // open year, with a note in that year's register; nothing is added under archive/<year>/.
        try RotationTests.drop(spool, "late", to: Self.recipient, number: 6, issuedAt: december)
        let late = try RotationTests.at(december, ["watch", "--once", "--spool", root])
        #expect(late.status == 0, "\(late.output)")
        let lateRow = try sqlite(
            spool,
            "SELECT packet.archivePath, arrival.year FROM packet JOIN arrival USING (packetId) "
                + "WHERE packet.codeNumber = '6'")
        #expect(lateRow.hasPrefix("archive/\(year + 1)/01/") && lateRow.hasSuffix("|\(year + 1)"), "\(lateRow)")
        let nextRegister = try spool.admin([
            "register", "incoming", "--agency", Self.recipient, "--year", String(year + 1),
        ])
        #expect(
            nextRegister.stdout.contains("sau khi sổ năm \(year) đã khoá: vào sổ năm \(year + 1)"),
            "\(nextRegister.output)")
        // A document dated in the closed year, sent and received after the close: in this year's incoming
        // register with a note, and noted as sent after the close in the (closed) year's live outgoing register.
        try RotationTests.drop(spool, "after", to: Self.recipient, number: 7, issuedAt: december)
        #expect(try spool.once().status == 0)
        // (The year it is registered in, from the index: a rerun of the suite on 31 December may cross midnight.)
        let afterYear = try sqlite(
            spool, "SELECT arrival.year FROM packet JOIN arrival USING (packetId) WHERE packet.codeNumber = '7'")
        #expect(Int(afterYear) ?? 0 >= current, "\(afterYear)")
        let thisRegister = try spool.admin([
            "register", "incoming", "--agency", Self.recipient, "--year", afterYear,
        ])
        #expect(
            thisRegister.stdout.contains(
                "Văn bản năm \(year) đến sau khi sổ năm \(year) đã khoá: vào sổ năm \(afterYear)"),
            "\(thisRegister.output)")
        let lastOutgoing = try spool.admin([
            "register", "outgoing", "--agency", OfficeSpool.sender, "--year", String(year),
        ])
        #expect(lastOutgoing.stdout.contains("Gửi sau khi sổ năm \(year) đã khoá"), "\(lastOutgoing.output)")
        let stillClean = try spool.admin(["archive", "verify", "--all"])
        #expect(stillClean.status == 0, "\(stillClean.output)")

        // One flipped byte in a packet of the year, an edited sidecar, a file added: each reported.
        let june1 = try #require(packets.first?["archive"] as? String)
        let june2Sidecar = try #require(packets.dropFirst().first?["sidecar"] as? String)
        for path in [june1, june2Sidecar] { chmod(root + "/" + path, 0o644) }
        chmod(root + "/" + (june1 as NSString).deletingLastPathComponent, 0o755)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + june1))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: root + "/" + june1))
        let sidecarText = try String(contentsOfFile: root + "/" + june2Sidecar, encoding: .utf8)
        try sidecarText.replacingOccurrences(of: "Văn bản june", with: "Văn bản đã sửa june")
            .write(toFile: root + "/" + june2Sidecar, atomically: false, encoding: .utf8)
        let added = (june1 as NSString).deletingLastPathComponent + "/them-vao.pdf"
        try Data(OfficeSpool.pdf("added")).write(to: URL(fileURLWithPath: root + "/" + added))
        let tampered = try spool.admin(["archive", "verify", "--all"])
        #expect(tampered.status == 1)
        for (kind, path) in [
            ("closed-year-changed", june1), ("closed-year-changed", june2Sidecar), ("closed-year-added", added),
        ] {
            #expect(tampered.stdout.contains("CLOSED YEAR \(kind): \(path)"), "\(kind) \(path)\n\(tampered.output)")
        }
    }

    @Test func oneAgencysYearClosesAloneThenTheOfficesAroundIt() throws {
        let (_, year, june, _, _) = Self.lastYear()
        let spool = try RotationTests.spool("year-close-agency", madeBefore: june)
        let root = spool.root
        for number in 1...2 { try RotationTests.drop(spool, "d\(number)", number: number, issuedAt: june) }
        try #require(try RotationTests.at(june, ["watch", "--once", "--spool", root]).status == 0)
        let one = try spool.admin(["year", "close", String(year), "--agency", Self.recipient])
        #expect(one.status == 0, "\(one.output)")
        let folder = root + "/years/\(year)/\(Self.recipient)"
        #expect(FileManager.default.fileExists(atPath: folder + "/manifest.json"))
        #expect(FileManager.default.fileExists(atPath: folder + "/so-van-ban-den.csv"))
        #expect(!FileManager.default.fileExists(atPath: root + "/years/\(year)/manifest.json"))
        var info = stat()
        #expect(stat(root + "/archive/\(year)", &info) == 0 && info.st_mode & 0o200 != 0, "the others still write")
        let again = try spool.admin(["year", "close", String(year), "--agency", Self.recipient])
        #expect(again.status == 0 && again.stdout.contains("already closed"), "\(again.output)")
        // The whole office next: every other agency, the archive folder read-only; the first close stays as it was.
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))
        let all = try spool.admin(["year", "close", String(year)])
        #expect(all.status == 0, "\(all.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")) == before)
        #expect(FileManager.default.fileExists(atPath: root + "/years/\(year)/manifest.json"))
        #expect(stat(root + "/archive/\(year)", &info) == 0 && info.st_mode & 0o222 == 0)
        #expect(try spool.admin(["archive", "verify", "--all"]).status == 0)
    }
}
