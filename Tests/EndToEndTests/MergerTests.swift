import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Agencies that merge and retire while documents are in flight (Resolution 202/2025/QH15: Thái Bình merged into
/// Hưng Yên from 1 July 2025), on the built binary with the daemon running.
@Suite struct MergerTests {
    static let province = "000.00.00.H53"
    static let office = "000.00.01.H53"
    static let interior = "000.00.02.H53"
    static let successor = "000.00.05.H33"
    static let successorName = "Văn phòng Ủy ban nhân dân tỉnh Hưng Yên"

    @Test func aMergerWhileADeliveryIsInFlightLosesAndDoublesNothing() throws {
        let spool = try OfficeSpool(label: "merger")
        let share = spool.directory.file("mnt/share")  // not mounted yet
        try spool.setInbox(Self.interior, share)
        try spool.drop("cu", number: "5", from: Self.office, to: [Self.province])
        try spool.drop("dang", number: "1", from: Self.province, to: [Self.office, Self.interior])
        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 20)
        }
        #expect(
            spool.waitUntil(30) {
                spool.packets(spool.inbox(Self.office)).count == 1
                    && spool.packets(spool.inbox(Self.province)).count == 1
            }, "\(daemon.log)")
        let inFlight = try #require(spool.packets(spool.inbox(Self.office)).first)
        #expect(spool.records("delivered").filter { $0["recipient"] as? String == Self.interior }.isEmpty)

        // The merger, effective now; the successor is new: a key and a CSR made here, signed by the CA, installed.
        let merge = try spool.admin([
            "agency", "merge", Self.office, Self.interior, "--into", Self.successor, "--name", Self.successorName,
            "--inbox", share, "--reason", "Nghị quyết 202/2025/QH15",
        ])
        #expect(merge.status == 0, "\(merge.output)")
        let request = spool.root + "/state/requests/\(Self.successor).csr.pem"
        let certificate = try spool.issue(request, label: "successor")
        let rotate = try spool.admin([
            "cert", "rotate", Self.successor, "--cert", certificate, "--reason", "chứng thư số do CA cấp",
        ])
        #expect(rotate.status == 0, "\(rotate.output)")

        // A drop addressed to an old code after the merger, and one from a closed outbox.
        try spool.drop("moi", number: "2", from: Self.province, to: [Self.office])
        let closedNotice = spool.outbox(Self.office) + "/! ĐÃ ĐÓNG — hộp thư đi không còn dùng.txt".precomposedNFC
        #expect(spool.waitUntil(20) { FileManager.default.fileExists(atPath: closedNotice) }, "\(daemon.log)")
        try spool.drop("sau", number: "6", from: Self.office, to: [Self.province])
        #expect(
            spool.waitUntil(20) { spool.visible(spool.rejected(Self.office)).contains { $0.hasPrefix("sau") } },
            "\(daemon.log)")

        // The share comes back: the delivery in flight and the new one reach the successor, once each.
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        #expect(spool.waitUntil(30) { spool.packets(share).count == 2 }, "\(daemon.log)")
        #expect(spool.waitUntil(20) { spool.visible(spool.sent(Self.province)).count == 2 }, "\(daemon.log)")
        #expect(spool.packets(share).contains(inFlight))
        #expect(spool.packets(spool.inbox(Self.office)) == [inFlight], "nothing new reaches a retired agency")
        let redirected = spool.records("redirected")
        #expect(Set(redirected.compactMap { $0["from"] as? String }) == [Self.office, Self.interior], "\(redirected)")
        let delivered = spool.records("delivered").map {
            "\($0["packetId"] as? String ?? "") \($0["recipient"] as? String ?? "")"
        }
        #expect(delivered.count == Set(delivered).count, "delivered twice: \(delivered)")

        // The sender is told, in its sent/ status.
        let moi = try #require(spool.visible(spool.sent(Self.province)).first { $0.contains("2-") })
        let status = try String(
            contentsOfFile: spool.sent(Self.province) + "/\(moi)/" + "Tình trạng gửi.txt".precomposedNFC,
            encoding: .utf8)
        #expect(status.contains("ĐÃ NGỪNG HOẠT ĐỘNG") && status.contains(Self.successor), "\(status)")

        // The successor numbers what it received from 1, its own numbering; no number is given twice.
        let registered = spool.records("registered")
        let numbers = registered.map {
            "\($0["recipient"] as? String ?? "?") \($0["series"] as? String ?? "") \($0["number"] as? Int ?? 0)"
        }
        #expect(numbers.count == Set(numbers).count, "\(numbers)")
        let successors = registered.filter { $0["recipient"] as? String == Self.successor }.compactMap {
            $0["number"] as? Int
        }
        #expect(successors.sorted() == [1, 2], "\(registered)")

        // The old agency's records stay findable by its old code and its old name.
        func hits(_ arguments: [String]) throws -> [String] {
            let result = try spool.admin(["archive", "search"] + arguments + ["--json"])
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return ((json?["hits"] as? [[String: Any]]) ?? []).compactMap { $0["numberAndNotation"] as? String }
        }
        #expect(try hits(["--sender", Self.office]) == ["5/QĐ-UBND"])
        #expect(try hits(["--sender", "van phong uy ban nhan dan tinh thai binh"]) == ["5/QĐ-UBND"])
        #expect(try hits(["--recipient", Self.interior]) == ["1/QĐ-UBND"])

        // Its register for the year is closed, and printable.
        let register = try spool.admin(["register", "incoming", "--agency", Self.office, "--format", "html"])
        #expect(register.status == 0 && register.stdout.contains("Sổ đã khóa"), "\(register.output)")
        #expect(register.stdout.contains("1/QĐ-UBND"))

        // A clerk of the successor sees the old agencies' documents on the web.
        let user = try spool.admin(
            ["user", "add", "vanthu-hy", "--role", "clerk", "--agency", Self.successor], stdin: "mat-khau-rat-dai-123\n"
        )
        #expect(user.status == 0, "\(user.output)")
        let port = try WebBrowserTests.freePort()
        let server = try BackgroundProcess(
            Project.lienthong, ["serve", "--spool", spool.root, "--listen", "127.0.0.1:\(port)"],
            logPath: spool.directory.file("serve.log"))
        defer {
            server.send(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        try WebBrowserTests.waitUntilListening(port)
        let cookies = spool.directory.file("cookies.txt")
        let login = try ProcessRunner.run(
            "curl",
            [
                "-s", "-c", cookies, "-o", "/dev/null", "-w", "%{http_code}", "--data",
                "username=vanthu-hy&password=mat-khau-rat-dai-123", "http://127.0.0.1:\(port)/login",
            ])
        #expect(login.stdout == "303", "\(login.output)\n\(server.log)")
        let page = try ProcessRunner.run(
            "curl", ["-s", "-b", cookies, "http://127.0.0.1:\(port)/api/search?q="])
        #expect(page.stdout.contains("5/QĐ-UBND") && page.stdout.contains("1/QĐ-UBND"), "\(page.stdout)")

        // Every admin action is in the journal, with who and why; the journal verifies.
        let actions = try spool.admin(["journal", "show", "--kind", "admin", "--json"])
        #expect(
            actions.stdout.contains("agency.merge") && actions.stdout.contains("cert.rotate")
                && actions.stdout.contains("Nghị quyết 202/2025/QH15"), "\(actions.output)")
        #expect(try spool.verifyJournal().status == 0)
    }

    /// `agency retire --at` a few seconds ahead: until then the agency receives as before, from then on its
    /// successor does.
    @Test func aScheduledRetirementTakesEffectAtItsTimeNotBefore() throws {
        let spool = try OfficeSpool(label: "retire-at")
        let daemon = try spool.start()
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 20)
        }
        let at = Date().addingTimeInterval(6)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let retire = try spool.admin([
            "agency", "retire", Self.interior, "--successor", "000.00.03.H53", "--at", formatter.string(from: at),
            "--reason", "Nghị quyết 203/2025/QH15",
        ])
        #expect(retire.status == 0 && retire.stdout.contains("retire at"), "\(retire.output)")
        try spool.drop("truoc", number: "1", from: Self.province, to: [Self.interior])
        #expect(spool.waitUntil(10) { spool.packets(spool.inbox(Self.interior)).count == 1 }, "\(daemon.log)")
        #expect(Date() < at, "the machine was too slow to show the time before")
        #expect(spool.records("redirected").isEmpty)
        while Date() < at.addingTimeInterval(0.5) { usleep(100_000) }
        try spool.drop("sau", number: "2", from: Self.province, to: [Self.interior])
        #expect(spool.waitUntil(20) { spool.packets(spool.inbox("000.00.03.H53")).count == 1 }, "\(daemon.log)")
        #expect(spool.packets(spool.inbox(Self.interior)).count == 1)
        #expect(spool.records("redirected").count == 1)
    }
}
