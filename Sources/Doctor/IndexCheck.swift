import Foundation
import Ledger

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite index agrees with the journal it is derived from: over the records the index says it has applied,
/// the packets (`packed`/`received`), deliveries and rejections it counts are those the journal holds, and it has
/// not applied records the journal does not have. Read-only: the index is opened without migrating or locking
/// anything, and never rebuilt here (`lienthong index rebuild` does that).
public struct IndexCheck: DoctorCheck {
    public let family = "index"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        let subject = context.relative(context.indexPath)
        let journalExists = access(context.journalPath, F_OK) == 0
        guard access(context.indexPath, F_OK) == 0 else {
            guard journalExists else {
                return [
                    .ok(
                        "index", subject: subject, vi: "Chưa có chỉ mục (hệ thống chưa chạy lần nào).",
                        en: "No index yet (the office has not run).")
                ]
            }
            return [
                Finding(
                    "index-missing", .warning, subject: subject,
                    vi: "Không có chỉ mục; hệ thống sẽ lập lại khi khởi động.",
                    en: "There is no index; the office makes it again when it starts.",
                    actionVi: "Chạy lienthong index rebuild (hoặc khởi động lại lienthong watch).",
                    actionEn: "Run lienthong index rebuild (or restart lienthong watch).")
            ]
        }
        let index: LedgerIndex.Inspection
        do {
            index = try LedgerIndex.inspect(path: context.indexPath)
        } catch {
            return [
                Finding(
                    "index-unreadable", .error, subject: subject,
                    vi: "Không đọc được chỉ mục: \(error).", en: "The index cannot be read: \(error).",
                    actionVi: "Dừng hệ thống rồi chạy lienthong index rebuild.",
                    actionEn: "Stop the office, then run lienthong index rebuild.")
            ]
        }
        guard journalExists else {
            return [mismatch(subject, vi: "có chỉ mục nhưng không có nhật ký", en: "there is an index but no journal")]
        }
        var packets: Set<String> = []
        var deliveries: Set<String> = []
        var rejections = 0
        var last: Int64 = 0
        do {
            try Journal(path: context.journalPath, repairing: false).forEachRecord { record in
                last = max(last, record.sequence)
                guard record.sequence <= index.lastSequence else { return }
                switch record.event {
                case .packed(let packet), .received(let packet, _): packets.insert(packet.packetId.rawValue)
                case .delivered(let packetId, let recipient, _):
                    deliveries.insert(packetId.rawValue + " " + recipient.rawValue)
                case .rejected: rejections += 1
                case .completed, .registered, .status, .refused, .setAside, .verified, .started, .stopped, .accessed,
                    .admin, .redirected, .undelivered, .relocated:
                    break
                }
            }
        } catch {
            return []  // the journal family reports an unreadable journal
        }
        if index.lastSequence > last {
            return [
                mismatch(
                    subject, vi: "chỉ mục đã áp dụng đến bản ghi \(index.lastSequence), nhật ký chỉ có \(last)",
                    en: "the index has applied records up to \(index.lastSequence), the journal holds only \(last)")
            ]
        }
        var differences: [(String, String)] = []
        if index.packets != packets.count {
            differences.append(
                (
                    "\(index.packets) gói tin trong chỉ mục, \(packets.count) trong nhật ký",
                    "\(index.packets) packets in the index, \(packets.count) in the journal"
                ))
        }
        if index.deliveries != deliveries.count {
            differences.append(
                (
                    "\(index.deliveries) lần chuyển trong chỉ mục, \(deliveries.count) trong nhật ký",
                    "\(index.deliveries) deliveries in the index, \(deliveries.count) in the journal"
                ))
        }
        if index.rejections != rejections {
            differences.append(
                (
                    "\(index.rejections) lần trả lại trong chỉ mục, \(rejections) trong nhật ký",
                    "\(index.rejections) rejections in the index, \(rejections) in the journal"
                ))
        }
        guard differences.isEmpty else {
            return [
                mismatch(
                    subject, vi: differences.map { $0.0 }.joined(separator: "; "),
                    en: differences.map { $0.1 }.joined(separator: "; "))
            ]
        }
        let pending = last - index.lastSequence
        return [
            .ok(
                "index", subject: subject,
                vi:
                    "Chỉ mục khớp với nhật ký (\(index.packets) gói tin, \(index.deliveries) lần chuyển, \(index.rejections) lần trả lại)"
                    + (pending > 0 ? "; còn \(pending) bản ghi sẽ được cập nhật khi hệ thống chạy." : "."),
                en:
                    "The index agrees with the journal (\(index.packets) packets, \(index.deliveries) deliveries, \(index.rejections) rejections)"
                    + (pending > 0 ? "; \(pending) more record(s) are applied when the office runs." : "."))
        ]
    }

    private func mismatch(_ subject: String, vi: String, en: String) -> Finding {
        Finding(
            "index-mismatch", .error, subject: subject,
            vi: "Chỉ mục không khớp với nhật ký: \(vi).", en: "The index does not agree with the journal: \(en).",
            actionVi:
                "Dừng hệ thống rồi chạy lienthong index rebuild (chỉ mục được lập lại từ kho lưu trữ và nhật ký).",
            actionEn:
                "Stop the office, then run lienthong index rebuild (it is made again from the archive and the journal)."
        )
    }
}
