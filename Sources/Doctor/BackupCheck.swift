import Foundation
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's scheduled backups (office.yaml `backup:`): the folder they go to must be there and writable, the
/// last run must not have failed, and the last completed backup must not be older than the schedule allows.
public struct BackupCheck: DoctorCheck {
    public let family = "backup"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        guard case .success(let office) = context.office, let schedule = office.backup else { return [] }
        var findings: [Finding] = []
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: schedule.to, isDirectory: &isDirectory) || !isDirectory.boolValue
            || access(schedule.to, W_OK) != 0
        {
            findings.append(
                Finding(
                    "backup-target", .error, subject: schedule.to,
                    vi:
                        "Thư mục sao lưu \(schedule.to) không có hoặc không ghi được: các bản sao lưu theo lịch không chạy.",
                    en: "The backup folder \(schedule.to) is missing or cannot be written: scheduled backups fail.",
                    actionVi: "Gắn ổ sao lưu và cho người dùng của dịch vụ quyền ghi.",
                    actionEn: "Mount the backup disk and let the service user write to it."))
        }
        let status = BackupStatus.read(context.spool)
        if status.failures > 0 {
            findings.append(
                Finding(
                    "backup-failed", .error, subject: schedule.to,
                    vi: "\(status.failures) lần sao lưu gần nhất không thành: \(status.lastError ?? "?").",
                    en: "The last \(status.failures) scheduled backup(s) failed: \(status.lastError ?? "?").",
                    actionVi:
                        "Sửa nguyên nhân; dịch vụ tự thử lại (hoặc chạy lienthong backup create --to \(schedule.to)).",
                    actionEn:
                        "Fix the cause; the daemon tries again (or run lienthong backup create --to \(schedule.to))."))
        }
        let every = TimeInterval(schedule.every.components.seconds)
        let last = status.lastSuccess.map { Date(timeIntervalSince1970: $0) } ?? newest(in: schedule.to)
        let now = context.settings.now
        if let last, now.timeIntervalSince(last) > every + max(3600, every / 2) {
            let hours = Int(now.timeIntervalSince(last) / 3600)
            findings.append(
                Finding(
                    "backup-stale", .warning, subject: schedule.to,
                    vi: "Bản sao lưu gần nhất đã cũ \(hours) giờ (lịch: mỗi \(DurationText.format(schedule.every))).",
                    en:
                        "The newest backup is \(hours) hour(s) old (scheduled every \(DurationText.format(schedule.every))).",
                    actionVi: "Kiểm tra lienthong watch đang chạy và nhật ký của nó.",
                    actionEn: "Check that lienthong watch runs, and its log."))
        }
        return findings
    }

    /// The newest completed backup's time, from its folder name (`lienthong-backup-<UTC>`).
    private func newest(in folder: String) -> Date? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasPrefix("lienthong-backup-") && access(folder + "/" + $0 + "/manifest-sha256.txt", F_OK) == 0
        }
        guard let name = names.max() else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: String(name.dropFirst("lienthong-backup-".count)))
    }
}
