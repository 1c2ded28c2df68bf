import Archivist
import DurableIO
import Foundation
import Ledger
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// Verifying an archived packet on demand (Decision 17/2019 Art 4.3: the archive must stay authentic): the
/// signature, the sender's registered certificate, every hash; optionally keeping one document on the way.
enum PacketVerification {
    /// What checking an archived packet found: valid, or why not (in Vietnamese).
    enum Outcome {
        case valid
        case invalid(String)
    }

    /// Checks and verifies `record`'s packet (the file archived, this packet, signature and hashes); the document
    /// `keep` (if any) is written to `path` as it is verified.
    static func verify(_ record: ArchiveRecord, desk: ArchiveDesk, keep: (name: String, path: String)? = nil) throws
        -> Outcome
    {
        let sink = keep.map { OneFileSink(wanted: $0.name, path: $0.path) }
        do {
            let report = try desk.verifyArchived(record, sink: sink)
            return report.valid ? .valid : .invalid(report.reason?.message.vi ?? "gói tin bị thay đổi.")
        } catch let error as ArchiveDesk.ExtractError {
            return .invalid(error.vietnamese)
        }
    }

    /// The verdict in Vietnamese, for the packet page.
    static func verdict(_ outcome: Outcome) -> [String: Any] {
        switch outcome {
        case .valid:
            [
                "valid": true,
                "text": "Đã kiểm tra: hợp lệ — đúng tệp đã lưu trữ, chữ ký số của cơ quan gửi và mọi mã băm đều đúng.",
            ]
        case .invalid(let why): ["valid": false, "text": "Đã kiểm tra: KHÔNG HỢP LỆ — " + why]
        }
    }
}
