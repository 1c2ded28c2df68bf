import DurableIO
import Foundation
import Packets
import Spool
import TestSupport
import Testing

@testable import Intake

@Suite struct OutboxScannerTests {
    let directory = TemporaryDirectory()
    let agency = AgencyCode("000.00.00.H53")!

    func scan(_ files: [String], folders: [String: [String]] = [:]) throws -> OutboxListing {
        for file in files { try directory.write("outbox/\(file)", "x") }
        for (folder, inside) in folders {
            try FileManager.default.createDirectory(
                atPath: directory.file("outbox/\(folder)"), withIntermediateDirectories: true)
            for file in inside { try directory.write("outbox/\(folder)/\(file)", "x") }
        }
        try FileManager.default.createDirectory(atPath: directory.file("outbox"), withIntermediateDirectories: true)
        return try OutboxScanner.scan(directory.file("outbox"), agency: agency)
    }

    func names(_ drop: Drop) -> [String] { drop.names.map(\.description) }

    @Test func pairsDocumentsWithTheirSidecar() throws {
        let listing = try scan([
            "Quyết định 125.pdf", "Quyết định 125.json", "Báo cáo.docx", "Báo cáo.docx.json", "Phụ lục.pdf",
        ])
        #expect(
            listing.drops.map(names).sorted { $0[0] < $1[0] } == [
                ["Báo cáo.docx", "Báo cáo.docx.json"], ["Quyết định 125.pdf", "Quyết định 125.json"],
            ])
        #expect(listing.waiting.map(\.name.description) == ["Phụ lục.pdf"])
        #expect(listing.waiting.first?.problem == .missingSidecar)
    }

    @Test func aSidecarTakesEveryDocumentOfItsStemMainTextFirst() throws {
        let listing = try scan(["CV 7.xlsx", "CV 7.pdf", "CV 7.json"])
        #expect(listing.drops.map(names) == [["CV 7.pdf", "CV 7.xlsx", "CV 7.json"]])
    }

    @Test func ignoresTemporaryNamesAndHiddenFiles() throws {
        let listing = try scan([
            "~$Quyết định.docx", ".~lock.x.odt#", "Thumbs.db", "desktop.ini", "a.pdf.part", "b.tmp", ".hidden.pdf",
            "tải.pdf.crdownload",
        ])
        #expect(listing.drops.isEmpty && listing.waiting.isEmpty && listing.unsafe.isEmpty)
    }

    @Test func aFolderWithMetadataIsOneDropWithoutItWaits() throws {
        let listing = try scan(
            [], folders: ["Công văn 7": ["Công văn 7.pdf", "Phụ lục.pdf", "metadata.json"], "Chưa xong": ["a.pdf"]])
        #expect(listing.drops.map(names) == [["Công văn 7"]])
        #expect(listing.waiting.map(\.problem) == [.folderWithoutMetadata])
    }

    @Test func linksAndPipesAreUnsafe() throws {
        try FileManager.default.createDirectory(atPath: directory.file("outbox"), withIntermediateDirectories: true)
        #expect(symlink("/etc/passwd", directory.file("outbox/link.pdf")) == 0)
        #expect(mkfifo(directory.file("outbox/pipe.pdf"), 0o644) == 0)
        let listing = try scan([])
        #expect(listing.unsafe.map(\.problem) == [.notRegularFile(.symbolicLink), .notRegularFile(.fifo)])
    }
}

@Suite struct SettleTrackerTests {
    @Test func settlesOnlyAfterTwoLooksSettleApartSawTheSameFile() {
        var tracker = SettleTracker(settle: .seconds(1))
        let key = SettleTracker.Key(agency: "a", name: RawName("x.pdf"))
        let start = ContinuousClock.now
        let first = SettleTracker.Signature(size: 10, modified: 1, inode: 7, contents: 0)
        #expect(!tracker.observe(key, first, now: start).settled)
        #expect(!tracker.observe(key, first, now: start + .milliseconds(900)).settled)
        #expect(tracker.observe(key, first, now: start + .seconds(1)).settled)
        let grown = SettleTracker.Signature(size: 20, modified: 2, inode: 7, contents: 0)
        let afterGrowth = tracker.observe(key, grown, now: start + .seconds(2))
        #expect(!afterGrowth.settled && afterGrowth.at == start + .seconds(3))
        #expect(tracker.observe(key, grown, now: start + .seconds(3)).settled)
        tracker.reset(key)
        #expect(!tracker.observe(key, grown, now: start + .seconds(4)).settled)
    }

    @Test func completenessLooksAtHowPDFsAndOfficeFilesEnd() throws {
        let directory = TemporaryDirectory()
        let whole = try directory.write("a.pdf", "%PDF-1.7\nbody\n%%EOF\n")
        let half = try directory.write("b.pdf", "%PDF-1.7\nbo")
        let text = try directory.write("c.txt", "no recognisable end")
        #expect(Completeness.looksComplete(RawPath(whole), size: 20))
        #expect(!Completeness.looksComplete(RawPath(half), size: 11))
        #expect(Completeness.looksComplete(RawPath(text), size: 19))
    }
}

@Suite struct WaitingNoticeTests {
    @Test func noticesAreNeverDocumentsOrSidecarsAndSortFirst() throws {
        let directory = TemporaryDirectory()
        let agency = AgencyCode("000.00.00.H53")!
        let notice = WaitingNotice.name(for: RawName("Quyết định 125.pdf"))
        #expect(notice.description == "! ĐANG CHỜ — Quyết định 125.pdf.txt")
        #expect(WaitingNotice.isNotice(notice) && !WaitingNotice.isNotice(RawName("Quyết định 125.pdf")))
        #expect(notice < RawName("0 số.pdf") && notice < RawName("Quyết định 125.json"))
        for name in ["Quyết định 125.pdf", "Quyết định 125.json", notice.description] {
            try directory.write("outbox/\(name)", "x")
        }
        let listing = try OutboxScanner.scan(directory.file("outbox"), agency: agency)
        #expect(listing.drops.count == 1 && listing.waiting.isEmpty && listing.notices == [notice])
        #expect(WaitingNotice.name(for: RawName(String(repeating: "ạ", count: 200))).bytes.count <= 255)
    }

    @Test func durationsAreWrittenForPeople() {
        #expect(HumanDuration.text(.seconds(30 * 60)).vi == "30 phút")
        #expect(HumanDuration.text(.seconds(5400)).en == "1 hour 30 minutes")
        #expect(HumanDuration.text(.seconds(3)).vi == "3 giây")
    }
}

@Suite struct ClaimFactsTests {
    /// A file that changes after it was claimed (its copy went on) is seen, and the claim can go back to the outbox.
    @Test func aFileChangedAfterTheClaimIsSeenAndPutBack() throws {
        let directory = TemporaryDirectory()
        let spool = SpoolLayout(root: directory.file("Spool"))
        let agency = AgencyCode("000.00.00.H53")!
        let outbox = spool.outbox(agency)
        try directory.write("Spool/agencies/000.00.00.H53/outbox/a.txt", "first part")
        try directory.write("Spool/agencies/000.00.00.H53/outbox/a.json", "{}")
        let drop = Drop(agency: agency, shape: .pair(sidecar: RawName("a.json"), documents: [RawName("a.txt")]))
        let claim = try #require(
            try Claim.take(drop, from: outbox, id: PacketID.make(at: Date()), paths: WorkPaths(spool: spool)))
        #expect(claim.changedFiles(outbox: outbox).isEmpty)
        let handle = try #require(FileHandle(forWritingAtPath: claim.directory + "/a.txt"))
        handle.seekToEndOfFile()
        handle.write(Data(" and the rest".utf8))
        try handle.close()
        #expect(claim.changedFiles(outbox: outbox) == ["a.txt"])
        #expect(try claim.putBack(to: outbox))
        #expect(try String(contentsOfFile: outbox + "/a.txt", encoding: .utf8) == "first part and the rest")
        #expect(
            FileManager.default.fileExists(atPath: outbox + "/a.json")
                && !FileManager.default.fileExists(atPath: claim.directory))
    }
}
