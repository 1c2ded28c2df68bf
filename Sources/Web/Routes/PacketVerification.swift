#if canImport(Glibc)
import Glibc
#endif
import Archivist
import DurableIO
import Foundation
import Ledger
import Packets

/// Verifying an archived packet on demand (Decision 17/2019 Art 4.3: the archive must stay authentic): the
/// signature, the sender's registered certificate, every hash; optionally keeping one document on the way.
enum PacketVerification {
    /// Verifies `record`'s packet; the document `keep` (if any) is written to `path` as it is verified.
    static func verify(_ record: ArchiveRecord, desk: ArchiveDesk, keep: (name: String, path: String)? = nil) throws -> VerificationReport {
        let sink = keep.map { OneFileSink(wanted: $0.name, path: $0.path) }
        let file = try FileDescriptor.openRegularFileForReading(desk.packetPath(record))
        return try desk.verifier().verify(file, displayPath: record.archivePath, sink: sink)
    }

    /// The verdict in Vietnamese, for the packet page.
    static func verdict(_ report: VerificationReport) -> [String: Any] {
        if report.valid {
            return ["valid": true, "text": "Đã kiểm tra: hợp lệ — chữ ký số của cơ quan gửi và mọi mã băm đều đúng."]
        }
        return ["valid": false, "text": "Đã kiểm tra: KHÔNG HỢP LỆ — " + (report.reason?.message.vi ?? "gói tin bị thay đổi.")]
    }
}
