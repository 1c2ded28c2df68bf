import Foundation
import TestSupport
import Testing

/// Issue 11 (1): what comes back always fits in rejected/. A drop whose names are near the 255-byte limit, refused
/// once and dropped again with the same names, is returned again with a readable reason — never left in the
/// claim folder; the same for a packet file of such a name refused twice from an inbox.
@Suite struct ReturnedNamesTests {
    static let unknownRecipient = "000.00.09.H53"

    /// A stem of exactly `bytes` bytes: Vietnamese words, then ASCII to the exact length.
    static func stem(_ bytes: Int) -> String {
        var stem = "Công văn đề nghị "
        while stem.utf8.count < bytes { stem += "x" }
        return stem
    }

    @Test func aLongNameRefusedTwiceIsReturnedTwice() throws {
        let spool = try OfficeSpool(label: "long-names")
        let stem = Self.stem(255 - ".json".utf8.count)  // the sidecar's name is exactly 255 bytes
        for round in 1...3 {
            try Data(OfficeSpool.pdf("dài \(round)")).write(to: URL(fileURLWithPath: spool.outbox() + "/\(stem).pdf"))
            try Fixtures.sidecar(to: [Self.unknownRecipient], number: "\(round)")
                .write(toFile: spool.outbox() + "/\(stem).json", atomically: false, encoding: .utf8)
            let result = try spool.once()
            #expect(result.status == 0, "round \(round): \(result.output)")
            let claimed = spool.outbox() + "/.lienthong/claimed"
            #expect(
                ((try? FileManager.default.contentsOfDirectory(atPath: claimed)) ?? []).isEmpty,
                "round \(round): left claimed")
            let returned = spool.visible(spool.rejected())
            #expect(returned.count == 3 * round, "round \(round): \(returned)")
            #expect(returned.allSatisfy { $0.utf8.count <= 255 })
            let reasons = returned.filter { $0.hasSuffix(".reason.txt") }
            #expect(reasons.count == round)
            for reason in reasons {
                let text = try String(contentsOfFile: spool.rejected() + "/" + reason, encoding: .utf8)
                #expect(text.contains("Lý do:") && text.contains(Self.unknownRecipient), "\(reason): \(text)")
            }
        }
        // Each round's three files keep one stem: the document, its sidecar and its reason file go together.
        let returned = spool.visible(spool.rejected())
        for copy in [" (2)", " (3)"] {
            #expect(returned.filter { $0.contains(copy + ".") }.count == 3, "\(copy): \(returned)")
        }
        #expect(spool.visible(spool.outbox()).isEmpty, "nothing left in the outbox")
        #expect(try spool.verifyJournal().status == 0)
    }

    @Test func aLongPacketFileNameRefusedTwiceFromAnInboxIsSetAsideTwice() throws {
        let spool = try OfficeSpool(label: "long-packet-names")
        let recipient = OfficeSpool.recipients[0]
        let name = Self.stem(255 - ".tar".utf8.count) + ".tar"
        for round in 1...2 {
            try Data("not a packet \(round)".utf8).write(to: URL(fileURLWithPath: spool.inbox(recipient) + "/" + name))
            #expect(try spool.once().status == 0)
            #expect(
                spool.waitUntil(10) { spool.visible(spool.rejected(recipient)).count == 2 * round },
                "round \(round): \(spool.visible(spool.rejected(recipient)))")
            #expect(!spool.visible(spool.inbox(recipient)).contains(name), "round \(round): still in the inbox")
        }
        let arriving = spool.inbox(recipient) + "/.lienthong/arriving"
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: arriving)) ?? []).filter { !$0.hasSuffix(".lock") }
                .isEmpty,
            "a claim left in \(arriving)")
        let reasons = spool.visible(spool.rejected(recipient)).filter { $0.hasSuffix(".reason.txt") }
        #expect(reasons.count == 2 && reasons.allSatisfy { $0.utf8.count <= 255 }, "\(reasons)")
    }
}
