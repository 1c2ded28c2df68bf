import DurableIO
import Foundation
import Packets
import TestSupport
import Testing

/// What the verifier hands a sink (a staging folder, an extraction, a download) is bounded by the signed metadata:
/// nothing before the signature is judged, nothing the metadata does not list, nothing past a document's signed size.
@Suite struct PayloadBoundsTests {
    /// Counts what it is given, by document.
    final class CountingSink: PayloadSink {
        var bytes: [String: Int64] = [:]
        var current = ""
        var total: Int64 { bytes.values.reduce(0, +) }
        func begin(_ name: String, size: Int64) throws {
            current = name
            bytes[name, default: 0] += 0
        }
        func write(_ chunk: UnsafeRawBufferPointer) throws { bytes[current, default: 0] += Int64(chunk.count) }
        func end() throws {}
    }

    func verify(_ fixture: PacketFixture, _ path: String, sink: CountingSink) throws -> VerificationReport {
        try fixture.verifier().verify(try FileDescriptor.openRegularFileForReading(path), displayPath: path, sink: sink)
    }

    @Test func theOfficeWritesTheSignedMetadataFirst() throws {
        let fixture = try PacketFixture()
        for name in ["P.tar", "P.zip"] {
            let paths = try Repack.entries(try fixture.build(name)).map(\.path)
            let inside = paths.map { String($0.split(separator: "/", maxSplits: 1).dropFirst().first ?? "") }
            #expect(
                Array(inside.prefix(7)) == [
                    "", "metadata.json", "metadata.json.p7s", "bagit.txt", "bag-info.txt",
                    "manifest-sha256.txt", "tagmanifest-sha256.txt",
                ], "\(name): \(paths)")
            #expect(inside.dropFirst(7).allSatisfy { $0.hasPrefix("data") }, "\(paths)")
        }
    }

    @Test func aGoodPacketGivesTheSinkExactlyItsDocuments() throws {
        let fixture = try PacketFixture()
        let sink = CountingSink()
        let report = try verify(fixture, try fixture.build(), sink: sink)
        #expect(report.valid, "\(report.problems)")
        #expect(sink.bytes == ["Quyết định 125.pdf": Int64("%PDF-1.7 quyết định\n".utf8.count), "Phụ lục.docx": 3])
    }

    @Test func aPacketWithItsDocumentsFirstIsStillAcceptedThroughTwoPasses() throws {
        let fixture = try PacketFixture()
        // The order of packets made before the office wrote metadata.json first.
        let path = try Repack.edit(try fixture.build()) { entries in
            let tags = entries.filter { !$0.isDirectory && !$0.path.contains("/data/") }
            entries.removeAll { !$0.isDirectory && !$0.path.contains("/data/") }
            entries += tags
        }
        #expect(try Repack.entries(path)[2].path.contains("/data/"))
        let sink = CountingSink()
        let report = try verify(fixture, path, sink: sink)
        #expect(report.valid, "\(report.problems)")
        #expect(sink.total == Int64("%PDF-1.7 quyết định\n".utf8.count) + 3)
    }

    @Test func aDocumentBiggerThanSignedIsOversizedAndNotWritten() throws {
        let fixture = try PacketFixture()
        for documentsFirst in [false, true] {
            let path = try Repack.edit(try fixture.build()) { entries in
                entries[entries.index("Quyết định 125.pdf")].bytes += Array(repeating: 0, count: 1 << 20)
                if documentsFirst {
                    let tags = entries.filter { !$0.isDirectory && !$0.path.contains("/data/") }
                    entries.removeAll { !$0.isDirectory && !$0.path.contains("/data/") }
                    entries += tags
                }
            }
            let sink = CountingSink()
            let report = try verify(fixture, path, sink: sink)
            #expect(report.reason?.code == "payload-oversized", "\(report.problems)")
            #expect(sink.total == 0, "\(sink.bytes)")
            // Without a sink, the same reason.
            #expect(try fixture.verify(path).reason?.code == "payload-oversized")
        }
    }

    @Test func anUnlistedDocumentIsNeverWritten() throws {
        let fixture = try PacketFixture()
        let path = try Repack.edit(try fixture.build()) { entries in
            let root = entries[0].path
            entries.append(
                .init(path: "\(root)data/virus.exe", bytes: Array(repeating: 0x4d, count: 4096), isDirectory: false))
        }
        let sink = CountingSink()
        let report = try verify(fixture, path, sink: sink)
        #expect(report.reason?.code == "payload-unlisted", "\(report.problems)")
        #expect(sink.bytes["virus.exe"] == nil, "\(sink.bytes)")
    }

    @Test func nothingIsWrittenBeforeTheSignatureIsJudged() throws {
        let fixture = try PacketFixture()
        let edited = try Repack.edit(try fixture.build()) { entries in
            let index = entries.index("/metadata.json")
            entries[index].bytes = Array(
                String(decoding: entries[index].bytes, as: UTF8.self)
                    .replacingOccurrences(of: "\"khan\"", with: "\"hoa-toc\"").utf8)
        }
        let sink = CountingSink()
        #expect(try verify(fixture, edited, sink: sink).reason?.code == "metadata-edited")
        #expect(sink.bytes.isEmpty, "\(sink.bytes)")
        let stranger = try PacketFixture()
        let untrusted = CountingSink()
        #expect(try verify(fixture, try stranger.build(), sink: untrusted).reason?.code == "untrusted-signer")
        #expect(untrusted.bytes.isEmpty)
    }
}
