import Foundation
import Ledger
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Records due for hand-over to the agency archive (Decree 30/2020 App. VI III.5.b: warned 30 days before; the Law
/// on Archives: at most one year after the year the work ended): a warning for each agency with records due soon
/// or overdue.
public struct RecordsCheck: DoctorCheck {
    public let family = "records"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        guard access(context.indexPath, F_OK) == 0,
            let pending = try? HandoverDeadline.pending(readOnlyAt: context.indexPath)
        else { return [] }
        let timeZone = ((try? OfficeConfig.load(context.spool.officeConfig)) ?? OfficeConfig()).calendar.timeZone
        let now = context.settings.now
        let due = HandoverDeadline.due(pending, now: now, timeZone: timeZone)
        var findings: [Finding] = []
        for (key, group) in Dictionary(grouping: due, by: { "\($0.0.agency) \($0.0.year)" }).sorted(by: {
            $0.key < $1.key
        }) {
            let (first, deadline) = group[0]
            let day = Timestamp.vietnamese(deadline.addingTimeInterval(-1), in: timeZone)
            let overdue = now >= deadline
            findings.append(
                Finding(
                    overdue ? "handover-overdue" : "handover-due", .warning, subject: key,
                    vi: overdue
                        ? "\(group.count) hồ sơ năm \(first.year) của \(first.agency) đã quá hạn nộp lưu (\(day))."
                        : "\(group.count) hồ sơ năm \(first.year) của \(first.agency) đến hạn nộp lưu lúc \(day).",
                    en: overdue
                        ? "\(group.count) record(s) of \(first.year) of \(first.agency) are past their hand-over deadline (\(day))."
                        : "\(group.count) record(s) of \(first.year) of \(first.agency) are due for hand-over by \(day).",
                    actionVi: "Nộp lưu: lienthong handover --agency \(first.agency) --year \(first.year) --to THƯ-MỤC.",
                    actionEn:
                        "Hand them over: lienthong handover --agency \(first.agency) --year \(first.year) --to DIR."))
        }
        return findings
    }
}
