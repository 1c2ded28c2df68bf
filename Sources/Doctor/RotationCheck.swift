import Foundation
import Ledger
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Moves of `lienthong rotate` the journal names and the disk has not finished (a rotation stopped by a crash): the
/// entry is still at its old place. The next rotation, or the daemon at start, finishes them.
public struct RotationCheck: DoctorCheck {
    public let family = "rotation"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        guard access(context.indexPath, F_OK) == 0,
            let unsettled = try? LedgerIndex.unsettledRelocations(readOnlyAt: context.indexPath)
        else { return [] }
        let unfinished = unsettled.filter { relocation in
            access(context.spool.path(relocation.from), F_OK) == 0
                && access(context.spool.path(relocation.to), F_OK) != 0
        }
        guard let first = unfinished.first else { return [] }
        return [
            Finding(
                "rotation-unfinished", .warning, subject: "\(first.from) → \(first.to)",
                vi:
                    "Lần xếp thư mục trước dừng giữa chừng: \(unfinished.count) mục chưa chuyển vào thư mục theo tháng.",
                en: "A rotation stopped half-way: \(unfinished.count) entries are not yet in their dated folders.",
                actionVi: "Chạy lienthong rotate (hoặc khởi động lại lienthong watch) để làm tiếp.",
                actionEn: "Run lienthong rotate (or restart lienthong watch) to finish them.")
        ]
    }
}
