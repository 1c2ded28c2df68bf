import Foundation
import Packets
import Signing
import TestSupport
import Testing

/// The verifier's reasons, one per way a packet can be wrong. The archives are rewritten with our own
/// reader and writer; the end-to-end suite repeats the main cases with outside tools through the CLI.
@Suite struct PacketTamperTests {
    func reason(_ report: VerificationReport) -> String? { report.reason?.code }

    @Test func aFlippedPayloadByteIsAChangedDocument() throws {
        let fixture = try PacketFixture()
        let path = try Repack.edit(try fixture.build()) { entries in
            entries[entries.index("Quyết định 125.pdf")].bytes[3] ^= 0x20
        }
        let report = try fixture.verify(path)
        #expect(reason(report) == "payload-changed")
        #expect(report.problems.map(\.code).contains("manifest-mismatch"))
    }

    @Test func editedMetadataIsBlamedOnMetadata() throws {
        let fixture = try PacketFixture()
        let path = try Repack.edit(try fixture.build()) { entries in
            let index = entries.index("/metadata.json")
            entries[index].bytes = Array(
                String(decoding: entries[index].bytes, as: UTF8.self)
                    .replacingOccurrences(of: "\"khan\"", with: "\"hoa-toc\"").utf8)
        }
        #expect(reason(try fixture.verify(path)) == "metadata-edited")
    }

    @Test func aSignatureFromAnotherPacketIsBlamedOnTheSignature() throws {
        let fixture = try PacketFixture()
        let other = try Repack.entries(try fixture.build("other.tar", sidecar: Fixtures.sidecar(number: "126")))
        let path = try Repack.edit(try fixture.build()) { entries in
            entries[entries.index("/metadata.json.p7s")].bytes = other[other.index("/metadata.json.p7s")].bytes
        }
        #expect(reason(try fixture.verify(path)) == "signature-replaced")
    }

    @Test func aSignerFromAnotherCAIsUntrusted() throws {
        let fixture = try PacketFixture()
        let stranger = try PacketFixture()  // its own root CA
        let report = try fixture.verify(try stranger.build())
        #expect(reason(report) == "untrusted-signer")
    }

    @Test func anotherAgencysCertificateIsNotTheSender() throws {
        let fixture = try PacketFixture()
        let other = try fixture.pki.signer(code: "000.00.03.H53", name: "UBND huyện Đông Hưng")
        let path = try fixture.build(builder: try fixture.builder(signer: other))
        #expect(reason(try fixture.verify(path)) == "signer-not-sender")
        // Against a registry, the registered certificate decides.
        let registered = SenderIdentity.registered { code in
            code.rawValue == PacketFixture.senderCode ? [fixture.sender.certificate] : nil
        }
        #expect(reason(try fixture.verify(path, identity: registered)) == "signer-not-sender")
        #expect(try fixture.verify(try fixture.build("ok.tar"), identity: registered).valid)
        let unknown = SenderIdentity.registered { _ in nil }
        #expect(reason(try fixture.verify(path, identity: unknown)) == "sender-not-registered")
    }

    @Test func aRevokedSignerIsRefusedWhenTheListIsGiven() throws {
        let fixture = try PacketFixture()
        let path = try fixture.build()
        let list = try fixture.pki.revocationList(revoking: [fixture.sender.certificate])
        #expect(reason(try fixture.verify(path, revocationLists: [list])) == "certificate-revoked")
    }

    @Test func aSignatureAfterExpiryIsRefused() throws {
        let pki = try TestPKI()
        let now = Date()
        let shortLived = try pki.signer(
            code: PacketFixture.senderCode, name: "UBND", validFrom: now.addingTimeInterval(-10 * 86_400),
            validUntil: now.addingTimeInterval(-5 * 86_400))
        let fixture = try PacketFixture(pki: pki, sender: shortLived)
        // Signed while valid: still valid today.
        let early = try fixture.build(
            "early.tar", builder: try fixture.builder(clock: { now.addingTimeInterval(-7 * 86_400) }))
        #expect(try fixture.verify(early).valid)
        // Re-signed after expiry (as a key holder whose certificate ran out could try).
        let path = try Repack.edit(early) { entries in
            let metadata = entries[entries.index("/metadata.json")].bytes
            entries[entries.index("/metadata.json.p7s")].bytes = try CMSSigner(
                key: shortLived.key, certificate: shortLived.certificate
            )
            .sign(metadata, signingTime: now)
        }
        #expect(reason(try fixture.verify(path)) == "certificate-expired")
    }

    @Test func payloadAddedOrRemovedIsNoticed() throws {
        let fixture = try PacketFixture()
        let built = try fixture.build()
        let added = try Repack.edit(built) { entries in
            let root = entries[0].path
            entries.append(.init(path: "\(root)data/virus.exe", bytes: [0x4d, 0x5a], isDirectory: false))
        }
        #expect(reason(try fixture.verify(added)) == "payload-unlisted")
        let removed = try Repack.edit(built) { entries in entries.remove(at: entries.index("Phụ lục.docx")) }
        #expect(reason(try fixture.verify(removed)) == "payload-missing")
    }

    @Test func anEditedManifestAloneIsABagProblem() throws {
        let fixture = try PacketFixture()
        let path = try Repack.edit(try fixture.build()) { entries in
            let index = entries.index("/manifest-sha256.txt")
            entries[index].bytes[0] =
                entries[index].bytes[0] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        }
        let report = try fixture.verify(path)
        #expect(reason(report) == "manifest-mismatch")
        #expect(report.checks.first { $0.name == "signature" }?.passed == true)
    }

    @Test func aMissingSignatureOrStrayFileIsALayoutProblem() throws {
        let fixture = try PacketFixture()
        let built = try fixture.build()
        let unsigned = try Repack.edit(built) { entries in entries.remove(at: entries.index("/metadata.json.p7s")) }
        #expect(reason(try fixture.verify(unsigned)) == "missing-file")
        let stray = try Repack.edit(built) { entries in
            entries.append(.init(path: "other-root/x.txt", bytes: [1], isDirectory: false))
        }
        #expect(reason(try fixture.verify(stray)) == "unexpected-entry")
    }

    @Test func aRenamedPacketFolderDoesNotMatchItsMetadata() throws {
        let fixture = try PacketFixture()
        let path = try Repack.edit(try fixture.build()) { entries in
            let root = String(entries[0].path.prefix(30))
            let fake = "20990101-000000-000-0000000000"
            for index in entries.indices {
                entries[index].path = entries[index].path.replacingOccurrences(of: root, with: fake)
            }
        }
        #expect(reason(try fixture.verify(path)) == "packet-id-mismatch")
    }
}
