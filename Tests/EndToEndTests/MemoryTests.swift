import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Streaming: packing and verifying a 2 GiB document keeps the process under 64 MiB of resident memory.
/// The document is a sparse file, so the test needs 2 GiB of free disk for the packet only.
@Suite(.serialized) struct MemoryTests {
    static let size: Int64 = 2 << 30
    static let limit = 64 << 20

    @Test(.enabled(if: Disk.freeForTemporaryFiles > size + (1 << 30), "needs 3 GiB free for a 2 GiB packet"))
    func packAndVerifyA2GiBDocumentInFlatMemory() throws {
        let directory = TemporaryDirectory("lienthong-memory")

        let pki = try TestPKI()
        let code = "000.00.00.H53"
        let sender = try pki.signer(code: code, name: "Ủy ban nhân dân tỉnh Thái Bình")
        let document = directory.file("Bản đồ quy hoạch.tif")
        let fd = open(document, O_WRONLY | O_CREAT, 0o644)
        #expect(ftruncate(fd, off_t(Self.size)) == 0)
        // A few real bytes at both ends, so the hash is not that of zeros only.
        _ = pwrite(fd, "II*\0", 4, 0)
        _ = pwrite(fd, "end", 3, off_t(Self.size - 3))
        close(fd)
        let sidecar = try directory.write("map.json", Fixtures.sidecar())
        let packet = directory.file("P.tar")

        let packed = try CLI.lienthong([
            "pack", document, "--metadata", sidecar, "--from", code, "--key", sender.keyPath,
            "--cert", sender.certificatePath, "-o", packet,
        ])
        #expect(packed.status == 0, "\(packed.output)")
        #expect(packed.maxResidentBytes < Self.limit, "pack peak RSS \(packed.maxResidentBytes >> 20) MiB")

        let verified = try CLI.lienthong(["verify", packet, "--trust", pki.rootPath])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.maxResidentBytes < Self.limit, "verify peak RSS \(verified.maxResidentBytes >> 20) MiB")
        print(
            "2 GiB document: pack \(packed.maxResidentBytes >> 20) MiB peak RSS in \(String(format: "%.1f", packed.seconds)) s; verify \(verified.maxResidentBytes >> 20) MiB in \(String(format: "%.1f", verified.seconds)) s"
        )
    }
}
