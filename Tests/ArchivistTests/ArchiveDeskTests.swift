import Archivist
import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool
import TestSupport
import Testing

/// A demo spool (`SpoolInitializer`, as `lienthong init --demo`) with two packets signed by the province's demo
/// key with the Packets builder, archived by hand as the office files them (archive/YYYY/MM/<id>.tar beside the
/// signed metadata.json as <id>.json), and the index rebuilt from those sidecars (as `lienthong index rebuild`):
/// no Office and no daemon.
final class ArchiveFixture: @unchecked Sendable {
    // Sendable: immutable after init; the files it touches are this test's own.
    static let sender = "000.00.00.H53"
    let directory = TemporaryDirectory("lienthong-archivist")
    let layout: SpoolLayout
    /// Packet id → its packet file, relative to the spool.
    private(set) var packets: [(id: String, path: String)] = []
    static let decision =
        Array("%PDF-1.7\n% Quyết định 125 — nội dung\n".utf8) + Array(repeating: 0x41, count: 2000)
        + Array("\n%%EOF\n".utf8)

    init() throws {
        layout = SpoolLayout(root: directory.file("Spool"))
        _ = try SpoolInitializer(spool: layout).run(demo: true)
        let code = try #require(AgencyCode(Self.sender))
        let key = try PrivateKey.load(path: layout.path("state/keys/\(Self.sender).pem"), passphrase: nil)
        let certificate = try #require(
            try Certificate.load(path: layout.path("agencies/\(Self.sender)/certificate.pem")).first)
        let builder = PacketBuilder(
            sender: PacketSender(organId: code, organName: "Ủy ban nhân dân tỉnh Thái Bình"),
            signer: try CMSSigner(key: key, certificate: certificate), format: .tar)
        let month = "archive/2026/11"  // the folder's name only: nothing compares it with today
        try Durable.makeDirectories(layout.path(month))
        for (number, bytes) in [("125", Self.decision), ("126", Array("%PDF-1.7\n% Công văn 126\n%%EOF\n".utf8))] {
            let source = try directory.write("src-\(number)/Văn bản \(number).pdf", bytes)
            let document = try SidecarParser().parse(Array(Fixtures.sidecar(number: number).utf8))
            let staging = directory.file("packet-\(number).tar")
            var built: BuiltPacket?
            try Durable.writeFile(at: staging) {
                built = try builder.build(document: document, sources: [PacketSource(path: source)], into: $0)
            }
            let packet = try #require(built)
            let id = packet.metadata.packetId.rawValue
            let relative = "\(month)/\(id).tar"
            try Durable.renameNoReplace(staging, layout.path(relative))
            try Durable.writeFile(at: layout.path("\(month)/\(id).json"), bytes: packet.metadataBytes)
            packets.append((id, relative))
        }
        _ = try LedgerIndex.rebuild(
            at: layout.state + "/index.sqlite", archive: layout.archive, spoolRoot: layout.root,
            journal: try Journal(path: layout.state + "/journal.jsonl"))
    }

    func desk() throws -> ArchiveDesk { try ArchiveDesk(spool: layout) }

    /// Flips one byte of the first document's content inside the packet file.
    func flipByte(in relative: String) throws {
        let path = layout.path(relative)
        var bytes = try Durable.readSmallFile(path, limit: 16 << 20)
        let marker = Array("Quyết định 125".utf8)
        let at = try #require(
            (0...(bytes.count - marker.count)).first { Array(bytes[$0..<$0 + marker.count]) == marker })
        bytes[at] ^= 0x01
        try Durable.writeFile(at: path, bytes: bytes, replace: true)
    }
}

@Suite struct ArchiveDeskTests {
    @Test func aCleanArchiveIsIntact() throws {
        let fixture = try ArchiveFixture()
        let desk = try fixture.desk()
        var progress: [Int] = []
        let report = try desk.fixity { done, total in
            #expect(total == 2)
            progress.append(done)
        }
        #expect(report.ok)
        #expect(report.checked == 2)
        #expect(report.intact == 2)
        #expect(report.changed.isEmpty && report.missing.isEmpty && report.untracked.isEmpty)
        #expect(progress == [1, 2])
        // One packet by id: the same answer.
        let one = try desk.fixity([fixture.packets[1].id])
        #expect(one.ok && one.checked == 1 && one.intact == 1)
        #expect(throws: ArchiveDesk.ExtractError.self) { try desk.fixity(["no-such-packet"]) }
    }

    @Test func aFlippedByteIsFoundAndTheOtherPacketStaysIntact() throws {
        let fixture = try ArchiveFixture()
        let (damaged, path) = fixture.packets[0]
        try fixture.flipByte(in: path)
        let report = try fixture.desk().fixity()
        #expect(!report.ok)
        #expect(report.checked == 2)
        #expect(report.intact == 1)
        #expect(report.changed.map(\.packetId) == [damaged])
        #expect(report.changed.first?.path == path)
        #expect(report.missing.isEmpty && report.untracked.isEmpty)
    }

    @Test func aStrayFileAndAMissingPacketAreFound() throws {
        let fixture = try ArchiveFixture()
        try fixture.directory.write("Spool/archive/2026/11/ghi chú.txt", "not a packet")
        try fixture.directory.write("Spool/archive/2027/01/lạc.tar", [0, 1, 2])
        let (gone, path) = fixture.packets[1]
        try FileSystem.removeTree(RawPath(fixture.layout.path(path)))
        let report = try fixture.desk().fixity()
        #expect(!report.ok)
        #expect(report.untracked == ["archive/2026/11/ghi chú.txt", "archive/2027/01/lạc.tar"])
        #expect(report.missing.map(\.packetId) == [gone])
        #expect(report.missing.first?.kind == "missing")
        #expect(report.intact == 1)
        #expect(report.changed.isEmpty)
        // Asked for by id, untracked files are not looked for.
        #expect(try fixture.desk().fixity([fixture.packets[0].id]).ok)
    }

    @Test func aChangedSidecarIsFound() throws {
        let fixture = try ArchiveFixture()
        let (id, path) = fixture.packets[0]
        let sidecar = fixture.layout.path((path as NSString).deletingPathExtension + ".json")
        try Durable.writeFile(
            at: sidecar, bytes: try Durable.readSmallFile(sidecar, limit: 1 << 20) + Array("\n".utf8), replace: true)
        let report = try fixture.desk().fixity()
        #expect(report.changed.map(\.kind) == ["sidecar-changed"])
        #expect(report.changed.map(\.packetId) == [id])
    }

    @Test func extractWritesTheDocumentsOfAValidPacketAndNothingOfADamagedOne() throws {
        let fixture = try ArchiveFixture()
        let desk = try fixture.desk()
        let into = fixture.directory.file("out")
        let (report, folder) = try desk.extract(fixture.packets[0].id, to: into)
        #expect(report.valid)
        #expect(try Durable.readSmallFile(folder + "/Văn bản 125.pdf", limit: 1 << 20) == ArchiveFixture.decision)
        #expect(FileSystem.exists(RawPath(folder + "/" + PacketLayout.metadataName)))
        // Exists already.
        #expect(throws: ArchiveDesk.ExtractError.self) { try desk.extract(fixture.packets[0].id, to: into) }

        try fixture.flipByte(in: fixture.packets[0].path)
        let again = fixture.directory.file("again")
        #expect(throws: ArchiveDesk.ExtractError.self) { try desk.extract(fixture.packets[0].id, to: again) }
        #expect(try Directory.entries(again).isEmpty)
        #expect(throws: ArchiveDesk.ExtractError.self) { try desk.extract("no-such-packet", to: again) }
    }
}
