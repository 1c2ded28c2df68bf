import Foundation
import TestSupport
import Testing

@testable import Admin

#if canImport(Glibc)
import Glibc
#endif

/// The copy `inbox move` proves by SHA-256 before it switches: raw names, links, modes and times kept, staging
/// skipped, a damaged copy copied again, and the old place emptied only of what the new one holds.
@Suite struct InboxCopierTests {
    /// An inbox with a packet folder, a file whose name is not UTF-8, a link, and work in staging.
    private func inbox(_ directory: TemporaryDirectory) throws -> String {
        let root = directory.file("old")
        try directory.write("old/20261203-081500-000-AAAAAAAAAA/Quyết định.pdf", "%PDF-1.7 một\n%%EOF\n")
        try directory.write("old/20261203-081500-000-AAAAAAAAAA/metadata.json", "{}", mode: 0o640)
        try directory.write("old/.lienthong/staging/half/part.pdf", "half")
        let raw = Array(root.utf8) + Array("/c\u{f4}ng v\u{0103}n ".utf8) + [0xE2, 0x20, 0x41] + Array(".txt".utf8)
        let fd = (raw + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o600) }
        }
        #expect(fd >= 0)
        _ = "legacy".withCString { write(fd, $0, 6) }
        close(fd)
        #expect(symlink("20261203-081500-000-AAAAAAAAAA", root + "/latest") == 0)
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, root + "/20261203-081500-000-AAAAAAAAAA/metadata.json", &times, 0) == 0)
        return root
    }

    /// The names in a folder as bytes (FileManager cannot list a name that is not UTF-8), hidden ones aside.
    private func rawNames(_ folder: String) -> Set<[UInt8]> {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var names = Set<[UInt8]>()
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name.first != UInt8(ascii: ".") { names.insert(name) }
        }
        return names
    }

    private func listing(_ root: String) -> [String] {
        let found = (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []
        return found.sorted()
    }

    @Test func aCopyHoldsEveryFileByHashWithItsModeAndTimeAndNotTheStaging() throws {
        let directory = TemporaryDirectory("lienthong-copier")
        let source = try inbox(directory)
        let target = directory.file("new/inbox")
        try FileManager.default.createDirectory(atPath: directory.file("new"), withIntermediateDirectories: true)
        let copier = InboxCopier(from: source, to: target, skipping: [".lienthong/staging"], say: { _ in })
        let survey = try copier.survey()
        #expect(survey.files == 3 && survey.links == 1, "\(survey)")
        let copied = try copier.copy()
        #expect(copied.copied == 3)
        #expect(try copier.verify().copied == 0)
        #expect(!FileManager.default.fileExists(atPath: target + "/.lienthong/staging/half/part.pdf"))
        let file = "/20261203-081500-000-AAAAAAAAAA/metadata.json"
        var old = stat()
        var new = stat()
        #expect(stat(source + file, &old) == 0 && stat(target + file, &new) == 0)
        #expect(new.st_mode & 0o777 == 0o640)
        // libfaketime (the suite's reruns at other dates) moves the times futimens and utimensat set by its offset, so
        // a kept time cannot be seen through it; everywhere else it is exact.
        let fakedClock = ProcessInfo.processInfo.environment["LD_PRELOAD"]?.contains("faketime") == true
        #expect(fakedClock || new.st_mtim.tv_sec == 1_700_000_000)
        #expect(try String(contentsOfFile: target + "/latest/Quyết định.pdf", encoding: .utf8).hasPrefix("%PDF"))
        // The name that is not UTF-8 is copied byte for byte.
        #expect(rawNames(target) == rawNames(source), "\(listing(target))")
        #expect(rawNames(target).contains { String(validating: $0, as: UTF8.self) == nil })

        // A second copy (a resumed move) copies nothing; a damaged file at the target is found and copied again.
        let resumed = try copier.copy()
        #expect(fakedClock || resumed.copied == 0, "\(resumed)")
        try "%PDF-1.7 hai\n%%EOF\n".write(
            toFile: target + "/20261203-081500-000-AAAAAAAAAA/Quyết định.pdf", atomically: false, encoding: .utf8)
        let again = try copier.verify()
        #expect(again.copied == 1)
        #expect(
            try String(contentsOfFile: target + "/20261203-081500-000-AAAAAAAAAA/Quyết định.pdf", encoding: .utf8)
                .contains("một"))
    }

    @Test func removingTheOldCopyKeepsWhatTheNewPlaceLacks() throws {
        let directory = TemporaryDirectory("lienthong-copier-remove")
        let source = try inbox(directory)
        let target = directory.file("new")
        let copier = InboxCopier(from: source, to: target, skipping: [".lienthong/staging"], say: { _ in })
        _ = try copier.copy()
        _ = try copier.verify()
        // Something arrived at the old place after the copy: it is not removed.
        try directory.write("old/late.pdf", "%PDF late\n%%EOF\n")
        let kept = try copier.removeCopied()
        #expect(kept == ["late.pdf"], "\(kept)")
        #expect(listing(source) == ["late.pdf"], "\(listing(source))")
        #expect(FileManager.default.fileExists(atPath: target + "/20261203-081500-000-AAAAAAAAAA/metadata.json"))
    }
}
