import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a careless clerk or a hostile file can put into an outbox. Each ends in rejected/ with its reason, or is
/// processed correctly, and the daemon keeps running throughout.
@Suite struct BadInputTests {
    func write(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    func rawPath(_ directory: String, _ name: [UInt8]) -> String {
        // Only for names that are valid UTF-8 Swift can hold in a String; raw bytes go through `writeRaw`.
        directory + "/" + String(decoding: name, as: UTF8.self)
    }

    func writeRaw(_ directory: String, _ name: [UInt8], _ bytes: [UInt8]) {
        let path = Array(directory.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = path.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        }
        precondition(fd >= 0)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    @Test func everyBadInputEndsRejectedWithItsReasonOrIsProcessed() throws {
        let spool = try OfficeSpool(sidecarWait: "2s", label: "bad")
        let outbox = spool.outbox()
        let daemon = try spool.start()
        let good = Fixtures.sidecar(to: OfficeSpool.recipients, number: "1")
        func sidecar(_ number: Int, to: [String] = OfficeSpool.recipients) -> [UInt8] {
            Array(Fixtures.sidecar(to: to, number: "\(number)").utf8)
        }

        // A link to a file outside the spool: its target is never read, the link itself is returned.
        let secret = spool.directory.file("secret.pdf")
        write(secret, Array("TOP SECRET, never to be sent".utf8))
        #expect(symlink(secret, outbox + "/link.pdf") == 0)
        write(outbox + "/link.json", sidecar(2))
        // A FIFO and a device node: the daemon must never open them.
        #expect(mkfifo(outbox + "/pipe.pdf", 0o644) == 0)
        let hasDevice = mknod(outbox + "/disk.pdf", S_IFCHR | 0o644, dev_t(0x103)) == 0  // makedev(1, 3), as /dev/null
        // An empty document.
        write(outbox + "/empty.pdf", [])
        write(outbox + "/empty.json", sidecar(3))
        // Names: with .., with a newline, not UTF-8, NFD accents, reserved by Windows, 255 bytes long.
        write(outbox + "/báo cáo..pdf", OfficeSpool.pdf("dots"))
        write(outbox + "/báo cáo..json", sidecar(4))
        write(outbox + "/dòng\nmới.pdf", OfficeSpool.pdf("newline"))
        write(outbox + "/dòng\nmới.json", sidecar(5))
        writeRaw(outbox, [0xFF, 0xFE, 0x41] + Array(".pdf".utf8), OfficeSpool.pdf("latin1"))
        writeRaw(outbox, [0xFF, 0xFE, 0x41] + Array(".json".utf8), sidecar(6))
        let nfd = "Quye\u{0302}\u{0301}t đi\u{0323}nh"
        write(outbox + "/\(nfd).pdf", OfficeSpool.pdf("nfd"))
        write(outbox + "/\(nfd).json", sidecar(7))
        write(outbox + "/CON.pdf", OfficeSpool.pdf("con"))
        write(outbox + "/CON.json", sidecar(8))
        let long = String(repeating: "d", count: 251)
        write(outbox + "/\(long).pdf", OfficeSpool.pdf("long"))  // 255 bytes: no sidecar name fits beside it
        let folder = outbox + "/tên dài"
        mkdir(folder, 0o755)
        write(folder + "/\(long).pdf", OfficeSpool.pdf("long in folder"))
        write(folder + "/metadata.json", sidecar(9))
        // Sidecars: malformed, 10 MiB, nested 10,000 deep, unknown recipient, to itself, a number used twice.
        write(outbox + "/hỏng.pdf", OfficeSpool.pdf("broken"))
        write(outbox + "/hỏng.json", Array(#"{"codeNumber": "10", "to": [}"#.utf8))
        write(outbox + "/lớn.pdf", OfficeSpool.pdf("big sidecar"))
        write(
            outbox + "/lớn.json",
            Array("{\"subject\": \"".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20) + Array("\"}".utf8))
        write(outbox + "/sâu.pdf", OfficeSpool.pdf("deep"))
        write(
            outbox + "/sâu.json",
            Array(String(repeating: "[", count: 10_000).utf8) + Array(String(repeating: "]", count: 10_000).utf8))
        write(outbox + "/lạ.pdf", OfficeSpool.pdf("unknown"))
        write(outbox + "/lạ.json", sidecar(11, to: ["999.99.99.Z99"]))
        write(outbox + "/tự gửi.pdf", OfficeSpool.pdf("self"))
        write(outbox + "/tự gửi.json", sidecar(12, to: [OfficeSpool.sender]))
        write(outbox + "/trùng số.pdf", OfficeSpool.pdf("duplicate number"))
        write(outbox + "/trùng số.json", sidecar(4))
        write(outbox + "/tỷ lệ %0d.pdf", OfficeSpool.pdf("percent line break"))
        write(outbox + "/tỷ lệ %0d.json", sidecar(14))
        write(outbox + "/ngày sau.pdf", OfficeSpool.pdf("dated tomorrow"))
        write(
            outbox + "/ngày sau.json",
            Array(Fixtures.sidecar(to: OfficeSpool.recipients, number: "13", issued: Fixtures.localDate(2)).utf8))

        let rejected = spool.rejected()
        let longReason = String(repeating: "d", count: 244) + ".reason.txt"
        let expectedReasons = [
            "link.pdf.reason.txt", "link.json.reason.txt", "pipe.pdf.reason.txt", "empty.reason.txt",
            "dòng_mới.reason.txt", "CON.reason.txt",
            longReason, "hỏng.reason.txt", "lớn.reason.txt", "sâu.reason.txt",
            "lạ.reason.txt", "tự gửi.reason.txt", "trùng số.reason.txt", "ngày sau.reason.txt", "tỷ lệ %0d.reason.txt",
        ]
        let settled = spool.waitUntil(30) {
            let names = Set(spool.visible(rejected))
            return expectedReasons.allSatisfy { names.contains($0) } && spool.archived().count == 3
                && spool.visible(outbox).isEmpty
        }
        #expect(
            settled,
            "rejected: \(spool.visible(rejected)); outbox: \(spool.visible(outbox)); archived: \(spool.archived().count)\n\(daemon.log)"
        )

        func reason(_ name: String) -> String {
            (try? String(contentsOfFile: rejected + "/" + name, encoding: .utf8)) ?? ""
        }
        #expect(
            reason("link.pdf.reason.txt").contains("liên kết")
                && reason("link.pdf.reason.txt").contains("not-a-regular-file"))
        #expect(reason("link.json.reason.txt").contains("missing-document"))
        #expect(reason("pipe.pdf.reason.txt").contains("FIFO"))
        #expect(reason("empty.reason.txt").contains("empty-document"))
        #expect(reason("dòng_mới.reason.txt").contains("bad-file-name"))
        #expect(reason("CON.reason.txt").contains("Windows"))
        #expect(reason(longReason).contains("missing-sidecar"))
        #expect(reason("hỏng.reason.txt").contains("dòng 1, cột 29"))
        #expect(reason("lớn.reason.txt").contains("quá lớn"))
        #expect(reason("sâu.reason.txt").contains("lồng nhau quá 64 cấp"))
        #expect(
            reason("lạ.reason.txt").contains("999.99.99.Z99") && reason("lạ.reason.txt").contains("recipient-unknown"))
        #expect(reason("tự gửi.reason.txt").contains("recipient-is-sender"))
        #expect(reason("trùng số.reason.txt").contains("number-already-used"))
        #expect(reason("ngày sau.reason.txt").contains("issued-in-future"))
        #expect(
            reason("tỷ lệ %0d.reason.txt").contains("%0d") && reason("tỷ lệ %0d.reason.txt").contains("bad-file-name"),
            "\(reason("tỷ lệ %0d.reason.txt"))")
        // Everything rejected is there untouched, beside its reason.
        #expect(FileSystemFacts.isSymlink(rejected + "/link.pdf") && FileSystemFacts.isFIFO(rejected + "/pipe.pdf"))
        #expect(FileManager.default.fileExists(atPath: rejected + "/dòng\nmới.pdf"))
        let broken = Array(try Data(contentsOf: URL(fileURLWithPath: rejected + "/hỏng.json")))
        #expect(broken == Array(#"{"codeNumber": "10", "to": [}"#.utf8))
        if hasDevice {
            #expect(reason("disk.pdf.reason.txt").contains("thiết bị"), "\(spool.visible(rejected))")
        }
        let invalidUTF8 = spool.visible(rejected).filter { $0.hasSuffix("A.reason.txt") }
        #expect(invalidUTF8.count == 1 && reason(invalidUTF8[0]).contains("UTF-8"), "\(spool.visible(rejected))")
        #expect(
            Set(try rawNames(rejected)).isSuperset(of: [
                [0xFF, 0xFE, 0x41] + Array(".pdf".utf8), [0xFF, 0xFE, 0x41] + Array(".json".utf8),
            ]))
        // The secret behind the link was never packed.
        for (id, _) in spool.archived() {
            let tar = try Data(
                contentsOf: URL(
                    fileURLWithPath: spool.root + "/archive/\(id.prefix(4))/\(id.dropFirst(4).prefix(2))/\(id).tar"))
            #expect(tar.range(of: Data("TOP SECRET".utf8)) == nil)
        }
        // Processed correctly: "..", NFD (sent with an NFC name), the 255-byte name inside a folder.
        let names = spool.archived().values.flatMap {
            ($0["files"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        #expect(
            Set(names) == Set(["báo cáo..pdf", "Quyết định.pdf".precomposedStringWithCanonicalMapping, "\(long).pdf"]),
            "\(names)")

        // The daemon is still running and still delivers.
        #expect(daemon.poll() == nil, "\(daemon.log)")
        write(outbox + "/sau cùng.pdf", OfficeSpool.pdf("after"))
        try good.replacingOccurrences(of: "\"1\"", with: "\"99\"").write(
            toFile: outbox + "/sau cùng.json", atomically: false, encoding: .utf8)
        #expect(spool.waitUntil(20) { spool.archived().count == 4 }, "\(daemon.log)")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
        #expect(try spool.verifyJournal().status == 0)
    }

    @Test(
        .enabled(
            if: Disk.freeForTemporaryFiles > 8 << 30, "needs 8 GiB free for a 2 GiB document archived and delivered"))
    func aTwoGiBDocumentIsDelivered() throws {
        let spool = try OfficeSpool(label: "huge")
        let document = spool.outbox() + "/Bản đồ.tif"
        let fd = open(document, O_WRONLY | O_CREAT, 0o644)
        #expect(ftruncate(fd, off_t(2) << 30) == 0)
        _ = pwrite(fd, "II*\0", 4, 0)
        close(fd)
        try Fixtures.sidecar(to: ["000.00.01.H53"], number: "2").write(
            toFile: spool.outbox() + "/Bản đồ.json", atomically: true, encoding: .utf8)
        let result = try spool.once()
        #expect(result.status == 0, "\(result.output)")
        #expect(result.maxResidentBytes < 128 << 20, "peak RSS \(result.maxResidentBytes >> 20) MiB")
        let id = try #require(spool.archived().keys.first)
        let delivered = spool.inbox("000.00.01.H53") + "/\(id)/Bản đồ.tif"
        let size = (try FileManager.default.attributesOfItem(atPath: delivered)[.size] as? NSNumber)?.int64Value
        #expect(size == 2 << 30)
    }
}

/// The names in a folder as raw bytes (FileManager cannot show names that are not UTF-8).
func rawNames(_ path: String) throws -> [[UInt8]] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while let entry = readdir(directory) {
        names.append(withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) })
    }
    return names
}

enum FileSystemFacts {
    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    static func isFIFO(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO
    }
}
