import Foundation
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Free space (`statvfs`: blocks available to the service user, `f_bavail / f_blocks`) and free inodes of the
/// spool's file system and of the paper fallback folder's (`outage.fallbackDir`, meant to be a local disk): under
/// `DoctorSettings.freeSpaceWarning` is a warning, less than 256 KiB left (`fullBelow`) an error.
public struct FreeSpaceCheck: DoctorCheck {
    public let family = "disk"

    /// Free bytes under which a disk counts as full: a packet and its deliveries no longer fit.
    public static let fullBelow: Int64 = 256 << 10

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        var findings: [Finding] = []
        var seen: Set<UInt64> = []
        let fallback = context.officeConfig.outage.fallbackPath(context.spool)
        for (label, path) in [("spool", context.spool.root), ("fallback", fallback)] {
            let existing = nearestExisting(path)
            var info = statvfs()
            var device = stat()
            guard statvfs(existing, &info) == 0, info.f_blocks > 0, stat(existing, &device) == 0 else { continue }
            // The fallback folder on the spool's own file system is the same disk: reported once.
            guard seen.insert(UInt64(device.st_dev)).inserted else { continue }
            findings.append(
                check(info, subject: label == "spool" ? path : "fallback: " + context.relative(path), context: context))
        }
        return findings
    }

    private func check(_ info: statvfs, subject: String, context: DoctorContext) -> Finding {
        let free = Double(info.f_bavail) / Double(info.f_blocks)
        let percent = Int((free * 100).rounded(.down))
        let bytes = Int64(info.f_bavail) * Int64(info.f_frsize)
        let size = Self.size(bytes)
        let inodesFree = info.f_files > 0 ? Double(info.f_favail) / Double(info.f_files) : 1
        // Under 256 KiB the office cannot pack even a small document, let alone deliver it: as good as full.
        if info.f_bavail == 0 || bytes < Self.fullBelow {
            return Finding(
                "disk-full", .error, subject: subject,
                vi: "Ổ đĩa đã đầy: không lưu, gửi hay ghi sổ được văn bản.",
                en: "The disk is full: nothing can be archived, delivered or journalled.",
                actionVi: "Giải phóng dung lượng hoặc mở rộng ổ đĩa ngay.", actionEn: "Free space or grow the disk now."
            )
        }
        if free < context.settings.freeSpaceWarning {
            return Finding(
                "disk-space-low", .warning, subject: subject,
                vi: "Ổ đĩa chỉ còn trống \(percent)% (\(size)).", en: "The disk has only \(percent)% free (\(size)).",
                actionVi: "Giải phóng dung lượng hoặc mở rộng ổ đĩa trước khi đầy.",
                actionEn: "Free space or grow the disk before it fills up.")
        }
        if inodesFree < context.settings.freeSpaceWarning {
            return Finding(
                "disk-inodes-low", .warning, subject: subject,
                vi: "Ổ đĩa sắp hết inode (còn \(Int(inodesFree * 100))%): sắp không tạo được tệp mới.",
                en: "The disk is running out of inodes (\(Int(inodesFree * 100))% left): new files will soon fail.",
                actionVi: "Xóa bớt tệp nhỏ không cần thiết hoặc mở rộng ổ đĩa.",
                actionEn: "Remove unneeded small files or grow the file system.")
        }
        return .ok(
            "disk-space", subject: subject, vi: "Ổ đĩa còn trống \(percent)% (\(size)).",
            en: "The disk has \(percent)% free (\(size)).")
    }

    /// `path`, or its nearest ancestor that exists (a fallback folder not made yet is made on that file system).
    private func nearestExisting(_ path: String) -> String {
        var current = (path as NSString).standardizingPath
        while access(current, F_OK) != 0, current != "/" { current = (current as NSString).deletingLastPathComponent }
        return current
    }

    /// `1.2 GiB`.
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
    }
}
