import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11, hole 5: a packet of a few KiB whose one entry claims 10 GiB must not make the receiver write 10 GiB
/// before refusing it. The hostile packets are made with Python's tarfile (`tamper.py oversize`: a GNU sparse
/// member, 512 bytes stored, the rest a hole) from a genuine packet, so their signature and metadata are valid.
@Suite struct OversizedArrivalTests {
    static let sender = "000.00.00.H53"
    static let recipient = "000.00.01.H53"
    static let claimed: Int64 = 10 << 30

    /// Bytes in the files under `folder` (apparent size and allocated blocks, whichever is larger), 0 when missing.
    static func bytes(under folder: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return 0 }
        var total: Int64 = 0
        while let name = walker.nextObject() as? String {
            var status = stat()
            guard lstat(folder + "/" + name, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            total += max(Int64(status.st_size), Int64(status.st_blocks) * 512)
        }
        return total
    }

    @Test func aPacketClaiming10GiBIsRefusedHavingWrittenNoMoreThanItsSignedSizes() throws {
        let spool = try OfficeSpool(label: "oversize")
        let work = spool.directory
        let good = work.file("good.tar")
        let packed = try PackInput.make(in: work, sidecar: Fixtures.sidecar(to: [Self.recipient]))
            .pack(
                from: Self.sender, key: spool.root + "/state/keys/\(Self.sender).pem",
                cert: spool.root + "/agencies/\(Self.sender)/certificate.pem", to: good)
        #expect(packed.status == 0, "\(packed.output)")
        let trust = spool.root + "/trust/ca/lienthong-demo-root-ca.pem"
        let (_, _, goodReport) = try CLI.verifyReason(good, ["--trust", trust])
        let files = try #require(goodReport["files"] as? [[String: Any]])
        let signedTotal = files.reduce(Int64(0)) { $0 + ((($1["size"] as? NSNumber)?.int64Value) ?? 0) }
        #expect(signedTotal > 0 && signedTotal < 64 << 10)

        // metadata.json first, then a document claiming 10 GiB; the same with the documents before metadata.json
        // (the order of packets made before the office defined it); and the claim under a name not signed.
        let cases = [
            ("first.tar", [String](), "payload-oversized"),
            ("payload-first.tar", ["--payload-first"], "payload-oversized"),
            ("unlisted.tar", ["--unlisted"], "payload-unlisted"),
        ]
        for (name, options, _) in cases {
            try CLI.tamper(["oversize", good, work.file(name)] + options)
            var status = stat()
            #expect(
                stat(work.file(name), &status) == 0 && status.st_size < 64 << 10
                    && Int64(status.st_blocks) * 512 < 64 << 10,
                "\(name) is small on disk")
            // The checker alone says the same, without reading 10 GiB.
            let started = Date()
            let (exit, code, report) = try CLI.verifyReason(work.file(name), ["--trust", trust])
            #expect(
                exit == 1 && code == (name == "unlisted.tar" ? "payload-unlisted" : "payload-oversized"),
                "\(name): \(report)")
            #expect(
                Date().timeIntervalSince(started) < 20, "verify \(name) took \(Date().timeIntervalSince(started)) s")
        }

        let inbox = spool.inbox(Self.recipient)
        for (name, _, _) in cases {
            try FileManager.default.copyItem(atPath: work.file(name), toPath: inbox + "/" + name)
        }

        // Watch the hidden staging folder while the office receives them.
        let staging = inbox + "/.lienthong/staging"
        let peak = Atomic<Int64>(0)
        let samples = Atomic<Int>(0)
        let watching = Atomic<Bool>(true)
        let sampler = Thread {
            while watching.load(ordering: .acquiring) {
                let now = Self.bytes(under: staging)
                if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
                samples.add(1, ordering: .relaxed)
                usleep(500)
            }
        }
        sampler.start()
        let started = Date()
        let result = try spool.once()
        let elapsed = Date().timeIntervalSince(started)
        watching.store(false, ordering: .releasing)
        usleep(20_000)
        #expect(result.status == 0, "\(result.output)")
        print(
            "oversize: signed total \(signedTotal) bytes, claimed \(Self.claimed) bytes per packet, staging peak "
                + "\(peak.load(ordering: .relaxed)) bytes over \(samples.load(ordering: .relaxed)) samples, receiving took \(elapsed) s"
        )
        #expect(
            peak.load(ordering: .relaxed) <= signedTotal + 16 << 10, "staging peak \(peak.load(ordering: .relaxed))")
        #expect(samples.load(ordering: .relaxed) > 10)

        // The daemon's own accounting: bytes of documents written to staging for each refused packet.
        let refusedLines = result.stderr.split(separator: "\n").filter {
            $0.contains("packet placed in an inbox refused")
        }
        #expect(refusedLines.count == cases.count, "\(result.stderr)")
        for line in refusedLines {
            let staged = line.firstMatch(of: /staged=(\d+)/).flatMap { Int64($0.1) }
            print(
                "oversize: refused \(line.firstMatch(of: /name=(\S+)/).map { String($0.1) } ?? "?") with \(staged ?? -1) bytes of documents staged"
            )
            #expect(staged != nil && staged! <= signedTotal, "\(line)")
            if line.contains("payload-oversized") { #expect(staged == 0, "\(line)") }
        }

        // Each refused into rejected/ with its reason, 02 to the sender, nothing landed, nothing left behind.
        let rejected = spool.rejected(Self.recipient)
        for (name, _, reason) in cases {
            #expect(FileManager.default.fileExists(atPath: rejected + "/" + name), "\(name) not in rejected/")
            let note = (try? String(contentsOfFile: rejected + "/" + name + ".reason.txt", encoding: .utf8)) ?? ""
            #expect(note.contains("code: \(reason)"), "\(name): \(note)")
        }
        #expect(spool.visible(inbox).isEmpty, "\(spool.visible(inbox))")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: inbox + "/.lienthong/arriving")) ?? []).isEmpty)
        let statuses = spool.visible(spool.root + "/agencies/\(Self.sender)/status")
        #expect(
            statuses.filter { $0.hasSuffix(" \(Self.recipient) 02.xml") || $0.contains(" \(Self.recipient) 02 (") }
                .count == cases.count,
            "\(statuses)")
        let refused = spool.journal().filter { ($0["event"] as? String) == "refused" }
        #expect(Set(refused.compactMap { $0["reason"] as? String }) == ["payload-oversized", "payload-unlisted"])
        #expect(spool.journal().filter { ($0["event"] as? String) == "registered" }.isEmpty)

        // The genuine packet still lands: its metadata.json comes first, and an old-order copy of it is accepted too.
        try FileManager.default.copyItem(atPath: good, toPath: inbox + "/tốt.tar")
        #expect(try spool.once().status == 0)
        #expect(spool.visible(inbox).count == 1, "\(spool.visible(inbox))")
    }
}
