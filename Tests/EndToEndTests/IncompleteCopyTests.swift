import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A PDF whose end is missing is never sent (issue 11, hole 6): a copy in pieces with pauses far longer than the
/// settle time (a resuming copy tool, a flaky share) is held with a notice in the outbox and sent whole once
/// complete; one that never completes is returned with the reason once `watch.incompleteWait` runs out.
@Suite struct IncompleteCopyTests {
    /// Opens `path` (creating it), appends `bytes` and closes it, as a copy tool that resumes would.
    private func append(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// 622 bytes in three pieces, closed and reopened between them, each pause 3 s: fifteen times `settle`.
    @Test(arguments: ["inotify", "poll"])
    func aPDFCopiedInPiecesWithLongPausesIsSentWhole(_ mode: String) throws {
        let spool = try OfficeSpool(mode: mode, settle: "200ms", incompleteWait: "1m", label: "pieces-\(mode)")
        let daemon = try spool.start()
        #expect(spool.waitUntil(20) { daemon.log.contains("office started") }, "\(daemon.log)")
        let outbox = spool.outbox()
        try Fixtures.sidecar(to: ["000.00.01.H53"], number: "1").write(
            toFile: outbox + "/mảnh.json", atomically: true, encoding: .utf8)
        var full = Array("%PDF-1.7\n% copied in pieces\n".utf8)
        full += Array(repeating: UInt8(ascii: "x"), count: 622 - 7 - full.count) + Array("\n%%EOF\n".utf8)
        #expect(full.count == 622)
        let notice = outbox + "/! ĐANG CHỜ — mảnh.pdf.txt"
        let pieces = [0..<207, 207..<414, 414..<622]
        for (index, piece) in pieces.enumerated() {
            let written = Date()
            append(outbox + "/mảnh.pdf", Array(full[piece]))
            guard index < pieces.count - 1 else { break }
            // Within a few seconds the notice says so, with the size so far (it is rewritten as the copy goes on).
            #expect(
                spool.waitUntil(2.5) { text(notice).contains("(hiện có \(piece.upperBound) byte)") },
                "no waiting notice: \(daemon.log)")
            let said = text(notice)
            #expect(said.contains("chưa chép xong") && said.contains("%%EOF"), "\(said)")
            #expect(
                said.contains("Chờ đến") && said.contains("1 phút") && said.contains("Waiting until")
                    && said.contains("1 minute"))
            let pause = 3 - Date().timeIntervalSince(written)
            if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
            #expect(spool.archived().isEmpty, "a cut-short PDF was taken: \(daemon.log)")
            #expect(spool.visible(spool.rejected()).isEmpty)
        }
        #expect(spool.waitUntil(30) { spool.visible(spool.inbox("000.00.01.H53")).count == 1 }, "\(daemon.log)")
        let id = try #require(spool.archived().keys.first)
        let delivered = try Data(contentsOf: URL(fileURLWithPath: spool.inbox("000.00.01.H53") + "/\(id)/mảnh.pdf"))
        #expect(Array(delivered) == full, "delivered \(delivered.count) of \(full.count) bytes")
        // Nothing left behind: no notice, no orphan, nothing returned.
        #expect(spool.waitUntil(5) { spool.visible(outbox).isEmpty }, "\(spool.visible(outbox))")
        #expect(spool.visible(spool.rejected()).isEmpty)
        #expect(spool.archived().count == 1)
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0)
    }

    /// A copy cut short for good: `--once` neither sends nor waits for it; the daemon returns it after the wait.
    @Test func anIncompletePDFThatNeverCompletesIsReturnedWithTheReason() throws {
        let spool = try OfficeSpool(settle: "200ms", incompleteWait: "3s", label: "never-complete")
        let outbox = spool.outbox()
        try Fixtures.sidecar(to: ["000.00.01.H53"], number: "1").write(
            toFile: outbox + "/cụt.json", atomically: true, encoding: .utf8)
        append(outbox + "/cụt.pdf", Array(OfficeSpool.pdf("cut short", size: 622).prefix(207)))
        let started = Date()
        let once = try spool.once()
        #expect(once.status == 0, "\(once.output)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(spool.archived().isEmpty)

        let daemon = try spool.start()
        #expect(
            spool.waitUntil(30) { spool.visible(spool.rejected()).contains { $0.hasSuffix(".reason.txt") } },
            "\(daemon.log)")
        let rejected = spool.visible(spool.rejected())
        #expect(rejected.contains("cụt.pdf") && rejected.contains("cụt.json"), "\(rejected)")
        let reason = text(spool.rejected() + "/" + (rejected.first { $0.hasSuffix(".reason.txt") } ?? ""))
        #expect(
            reason.contains("chưa chép xong") && reason.contains("3 giây") && reason.contains("207 byte"), "\(reason)")
        #expect(reason.contains("copy it again whole") && reason.contains("incomplete-file"), "\(reason)")
        let returned = try Data(contentsOf: URL(fileURLWithPath: spool.rejected() + "/cụt.pdf"))
        #expect(returned.count == 207)
        #expect(spool.archived().isEmpty)
        #expect(spool.waitUntil(5) { spool.visible(outbox).isEmpty }, "\(spool.visible(outbox))")
        // The journal record follows the files into rejected/.
        #expect(
            spool.waitUntil(10) {
                spool.journal().contains {
                    $0["event"] as? String == "rejected" && $0["reason"] as? String == "incomplete-file"
                }
            })
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0)
    }
}
