import Foundation
import Ledger
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// The journal's hash chain holds (`Journal.verifyChain`, the code of `lienthong journal verify`), reported with
/// the line where it breaks; and the clock is not behind the journal's last record (a clock set back would date
/// new records before old ones and misjudge deadlines and outages).
public struct JournalCheck: DoctorCheck {
    public let family = "journal"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        let path = context.journalPath
        let subject = context.relative(path)
        guard access(path, F_OK) == 0 else {
            return [
                .ok(
                    "journal", subject: subject, vi: "Chưa có nhật ký (hệ thống chưa chạy lần nào).",
                    en: "No journal yet (the office has not run).")
            ]
        }
        let journal: Journal
        do {
            journal = try Journal(path: path, repairing: false)
        } catch {
            return [unreadable(subject, error)]
        }
        var findings: [Finding] = []
        do {
            let count = try journal.verifyChain()
            let segments = (try? journal.segments().count) ?? 0
            let sealedVi = segments == 0 ? "" : ", \(segments) tháng đã niêm phong trong state/journal/"
            let sealedEn = segments == 0 ? "" : ", \(segments) sealed month(s) in state/journal/"
            findings.append(
                .ok(
                    "journal-chain", subject: subject,
                    vi: "Chuỗi băm của nhật ký nguyên vẹn (\(count) bản ghi\(sealedVi)).",
                    en: "The journal's hash chain is intact (\(count) records\(sealedEn))."))
        } catch let error as JournalChainError {
            findings.append(broken(error, subject: subject))
        } catch {
            findings.append(unreadable(subject, error))
        }
        if let clock = clockFinding(journal, subject: subject, now: context.settings.now) { findings.append(clock) }
        return findings
    }

    private func broken(_ error: JournalChainError, subject: String) -> Finding {
        let line = error.line
        let detail: (vi: String, en: String)
        let place = error.file.map { "state/journal/" + ($0 as NSString).lastPathComponent } ?? subject
        if line == 0 {
            return Finding(
                "journal-chain-broken", .error, subject: place,
                vi:
                    "Tệp nhật ký đã niêm phong không đúng như bản ghi niêm phong của nó (journal.seal): bị sửa, thay hay thêm.",
                en:
                    "A sealed journal segment is not what its journal.seal record says: it was edited, replaced or added.",
                actionVi:
                    "Không sửa tay các tệp nhật ký. Khôi phục \(place) từ bản sao lưu và báo cho người có thẩm quyền (dấu hiệu can thiệp trái phép).",
                actionEn:
                    "Do not edit the journal's files by hand. Restore \(place) from a backup and report it (a sign of tampering)."
            )
        }
        if error.reason.hasPrefix("its prev") {
            detail = (
                "bản ghi ở dòng \(line) không mang mã SHA-256 của dòng \(line - 1): dòng \(line - 1) (hoặc \(line)) đã bị sửa, hoặc có dòng bị xóa hay đổi chỗ",
                "the record on line \(line) does not carry the SHA-256 of line \(line - 1): line \(line - 1) (or \(line)) was edited, or a line was removed or moved"
            )
        } else if error.reason == "a partial last line" {
            detail = ("dòng cuối \(line) bị cắt dở", "the last line \(line) is cut short")
        } else if error.reason == "not a journal record" {
            detail = (
                "dòng \(line) không phải là bản ghi nhật ký (bị hỏng)", "line \(line) is not a journal record (damaged)"
            )
        } else {
            detail = (
                "dòng \(line): \(error.reason) (có dòng bị xóa, thêm hay đổi chỗ)",
                "line \(line): \(error.reason) (a line was removed, added or moved)"
            )
        }
        return Finding(
            "journal-chain-broken", .error, subject: "\(place):\(line)",
            vi: "Nhật ký bị hỏng: \(detail.vi).", en: "The journal is damaged: \(detail.en).",
            actionVi:
                "Không sửa tay tệp nhật ký. Khôi phục \(place) từ bản sao lưu và báo cho người có thẩm quyền (dấu hiệu can thiệp trái phép).",
            actionEn:
                "Do not edit the journal by hand. Restore \(place) from a backup and report it (a sign of tampering)."
        )
    }

    private func unreadable(_ subject: String, _ error: Error) -> Finding {
        Finding(
            "journal-unreadable", .error, subject: subject,
            vi: "Không đọc được nhật ký: \(error).", en: "The journal cannot be read: \(error).",
            actionVi: "Kiểm tra quyền của state/journal.jsonl (chủ là người dùng của dịch vụ) và ổ đĩa.",
            actionEn: "Check state/journal.jsonl's permissions (owned by the service user) and the disk.")
    }

    /// An error when `now` is before the last record's time.
    private func clockFinding(_ journal: Journal, subject: String, now: Date) -> Finding? {
        guard let record = try? journal.lastRecord(), let last = Timestamp.parse(record.at) else { return nil }
        let behind = last.timeIntervalSince(now)
        guard behind > 1 else {
            return .ok(
                "clock", subject: "clock", vi: "Đồng hồ không chậm hơn bản ghi cuối của nhật ký (\(record.at)).",
                en: "The clock is not behind the journal's last record (\(record.at)).")
        }
        let minutes = Int((behind / 60).rounded(.up))
        return Finding(
            "clock-behind", .error, subject: "clock",
            vi: "Đồng hồ máy chủ chậm hơn bản ghi cuối của nhật ký (\(record.at)) khoảng \(minutes) phút.",
            en: "The server's clock is about \(minutes) minute(s) behind the journal's last record (\(record.at)).",
            actionVi: "Chỉnh đồng hồ (bật đồng bộ NTP: timedatectl set-ntp true) trước khi chạy lại hệ thống.",
            actionEn: "Set the clock right (enable NTP: timedatectl set-ntp true) before running the office again.")
    }
}
