import Archiving
import DurableIO
import Foundation
import Packets
import Signing
import TestSupport
import Testing

@Suite struct PacketRoundTripTests {
    @Test(arguments: ["P.tar", "P.zip"])
    func aBuiltPacketVerifies(_ name: String) throws {
        let fixture = try PacketFixture()
        let report = try fixture.verify(try fixture.build(name))
        #expect(report.valid, "\(report.problems)")
        #expect(
            report.checks.map(\.name) == [
                "archive", "bag-declaration", "metadata", "signature", "certificate", "sender", "payload", "bag",
            ])
        #expect(report.files?.map(\.name) == ["Quyết định 125.pdf", "Phụ lục.docx"])
        #expect(report.files?.first?.mediaType == "application/pdf")
        #expect(report.numberAndNotation == "125/QĐ-UBND")
        #expect(report.sender?.organId.rawValue == PacketFixture.senderCode)
    }

    @Test func metadataHoldsTheClerksFieldsAndWhatTheOfficeAdds() throws {
        // A fixed instant, so the exact forms can be checked; the certificates are made to cover it whatever today is.
        let instant = Date(timeIntervalSince1970: 1_795_000_000.5)
        let pki = try TestPKI(validFrom: instant.addingTimeInterval(-86_400))
        let sender = try pki.signer(
            code: PacketFixture.senderCode, name: "Ủy ban nhân dân tỉnh Thái Bình",
            validFrom: instant.addingTimeInterval(-86_400),
            validUntil: max(instant, Date()).addingTimeInterval(365 * 86_400))
        let fixture = try PacketFixture(pki: pki, sender: sender)
        let path = try fixture.build(builder: try fixture.builder(clock: { instant }))
        let entries = try Repack.entries(path)
        let metadata = try PacketMetadata.parse(entries[entries.index("/metadata.json")].bytes)
        #expect(metadata.packedAt == "2026-11-18T18:06:40.500+07:00")
        #expect(metadata.packetId.rawValue.hasPrefix("20261118-110640-500-"))
        #expect(metadata.signer.certificateSha256 == fixture.sender.certificate.sha256Fingerprint)
        #expect(metadata.files[0].sha256 == SHA256Hasher.hex(of: Array("%PDF-1.7 quyết định\n".utf8)))
        #expect(metadata.schemaVersion == PacketMetadata.currentSchemaVersion)
        let keys = try JSONParser().parse(entries[entries.index("/metadata.json")].bytes).objectValue!.map(\.0)
        #expect(
            keys == [
                "schemaVersion", "packetId", "codeNumber", "codeNotation", "issuedDate", "typeName", "subject",
                "signerInfo", "from", "to", "priority", "dueDate", "files", "packedAt", "signer",
            ])
        let bagInfo = String(decoding: entries[entries.index("/bag-info.txt")].bytes, as: UTF8.self)
        #expect(bagInfo.contains("External-Identifier: 125/QĐ-UBND\n"))
        #expect(bagInfo.contains("Payload-Oxum: \(Array("%PDF-1.7 quyết định\n".utf8).count + 3).2\n"))
        #expect(bagInfo.contains("Bagging-Date: 2026-11-18\n"))
    }

    @Test func anEmptyDocumentIsPackedToo() throws {
        let fixture = try PacketFixture()
        let report = try fixture.verify(try fixture.build(files: [("trống.txt", [])]))
        #expect(report.valid, "\(report.problems)")
        #expect(report.files?.first?.size == 0)
    }

    @Test func refusesUnportableOrDuplicateNamesAndSendingToOneself() throws {
        let fixture = try PacketFixture()
        #expect(throws: PacketBuildError.self) { try fixture.build(files: [("CON.pdf", [1])]) }
        #expect(throws: PacketBuildError.self) { try fixture.build(files: [("a.pdf", [1]), ("A.PDF", [2])]) }
        #expect(throws: PacketBuildError.self) {
            try fixture.build(sidecar: Fixtures.sidecar(to: [PacketFixture.senderCode]))
        }
        #expect(throws: PacketBuildError.self) { try fixture.build(files: []) }
    }

    @Test func refusesToSignWithAnExpiredCertificate() throws {
        let pki = try TestPKI()
        let expired = try pki.signer(
            code: PacketFixture.senderCode, name: "UBND", validFrom: Date().addingTimeInterval(-100 * 86_400),
            validUntil: Date().addingTimeInterval(-86_400))
        let fixture = try PacketFixture(pki: pki, sender: expired)
        #expect(throws: PacketBuildError.self) { try fixture.build() }
    }

    @Test func refusesAFIFOAndASymlinkAsADocument() throws {
        let fixture = try PacketFixture()
        let fifo = fixture.directory.file("pipe.pdf")
        #expect(mkfifo(fifo, 0o644) == 0)
        let link = fixture.directory.file("link.pdf")
        #expect(symlink("/etc/hostname", link) == 0)
        let builder = try fixture.builder()
        let document = try SidecarParser().parse(Array(Fixtures.sidecar().utf8))
        for path in [fifo, link] {
            let output = try DurableIO.FileDescriptor.open(
                fixture.directory.file("out-\(UUID()).tar"), O_WRONLY | O_CREAT)
            #expect {
                try builder.build(document: document, sources: [PacketSource(path: path)], into: output)
            } throws: { error in
                if case PacketBuildError.notRegularFile = error { return true }
                return false
            }
        }
    }
}

@Suite struct PacketFileHashTests {
    @Test(arguments: ["P.tar", "P.zip"])
    func theBuilderHashesThePacketFileAsItWritesIt(_ name: String) throws {
        let fixture = try PacketFixture()
        let builder = try fixture.builder(format: name.hasSuffix(".zip") ? .zip : .tar)
        let document = try SidecarParser().parse(Array(Fixtures.sidecar().utf8))
        let source = try fixture.directory.write("src/a.pdf", Array(repeating: 7, count: 300_000))
        let output = fixture.directory.file(name)
        var built: BuiltPacket?
        try Durable.writeFile(at: output) {
            built = try builder.build(document: document, sources: [PacketSource(path: source)], into: $0)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(built?.archiveSHA256 == SHA256Hasher.hex(of: bytes))
        #expect(built?.archiveSize == Int64(bytes.count))
    }
}
