import Archiving
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ArchiveRoundTripTests {
    let directory = TemporaryDirectory()

    func write(_ format: ArchiveFormat, _ entries: [(String, [UInt8])]) throws -> String {
        let path = directory.file("out.\(format.fileExtension)")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let writer = try ArchiveWriter(fileDescriptor: fd, format: format)
        try writer.addDirectory("pkt", modified: Date())
        for (name, bytes) in entries { try writer.addFile("pkt/\(name)", contents: bytes, modified: Date()) }
        try writer.finish()
        return path
    }

    func readAll(_ path: String) throws -> [String: [UInt8]] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let reader = try SafeArchiveReader(fileDescriptor: fd)
        var files: [String: [UInt8]] = [:]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let entry = try reader.next() {
            guard !entry.isDirectory else { continue }
            var bytes: [UInt8] = []
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                bytes += buffer.prefix(count)
            }
            files[entry.path] = bytes
        }
        return files
    }

    @Test(arguments: ArchiveFormat.allCases)
    func vietnameseNamesSurviveOurReaderAndBsdtar(_ format: ArchiveFormat) throws {
        let entries: [(String, [UInt8])] = [
            ("data/Quyết định số 125.pdf", Array("%PDF".utf8)),
            ("data/Đông Hưng 50% kinh phí.docx", [0, 1, 2, 255]), ("empty.txt", []),
        ]
        let path = try write(format, entries)
        let files = try readAll(path)
        for (name, bytes) in entries { #expect(files["pkt/\(name)"] == bytes) }
        let listing = try ProcessRunner.run("bsdtar", ["-tf", path], environment: ["LC_ALL": "C.UTF-8"])
        #expect(listing.stdout.contains("pkt/data/Quyết định số 125.pdf"), "\(listing.output)")
    }

    @Test func aTruncatedTarIsReportedAsTruncated() throws {
        let path = try write(.tar, [("big.bin", [UInt8](repeating: 7, count: 100_000))])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(50_000).write(to: URL(fileURLWithPath: path))
        #expect(throws: ArchiveError.self) { try readAll(path) }
        do {
            _ = try readAll(path)
        } catch let error as ArchiveError {
            guard case .truncated = error else {
                Issue.record("expected truncated, got \(error)")
                return
            }
        }
    }

    @Test func textIsNotAnArchive() throws {
        let path = try directory.write("note.tar", "Kính gửi: Sở Nội vụ\n" + String(repeating: "x", count: 2000))
        #expect(throws: ArchiveError.notAnArchive("Unrecognized archive format")) { try readAll(path) }
    }

    @Test func aFileThatChangesSizeIsRefused() throws {
        let fd = open(directory.file("x.tar"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let writer = try ArchiveWriter(fileDescriptor: fd, format: .tar)
        #expect(throws: ArchiveError.sizeMismatch(path: "x", expected: 10, actual: 4)) {
            try writer.addFile("x", size: 10, modified: Date()) { write in
                try [UInt8](repeating: 1, count: 4).withUnsafeBytes { try write($0) }
            }
        }
    }
}
