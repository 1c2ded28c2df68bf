import Foundation
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Every `inbox:` configured in an agency.yaml (a mounted share) is there, is a folder, can be written — checked
/// with `access(W_OK)`, the file system's read-only flag, and a hidden probe file created and removed at once
/// (root bypasses file modes, so only a real write shows a read-only bind mount or an immutable folder) — and is
/// not an unmounted mount point (see `bareMountPoint`).
public struct InboxCheck: DoctorCheck {
    public let family = "inboxes"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        let mounts = MountTable(settings: context.settings)
        var spoolInfo = stat()
        let spoolDevice = stat(context.spool.root, &spoolInfo) == 0 ? spoolInfo.st_dev : nil
        return context.agencies.compactMap { agency in
            agency.inbox.map { check($0, agency: agency, spoolDevice: spoolDevice, mounts: mounts) }
        } + moves(context.spool)
    }

    /// `inbox move`s not finished (`state/moves/CODE.json`): one stopped while copying (the old place is still in
    /// service), or one switched whose old copy is left.
    private func moves(_ spool: SpoolLayout) -> [Finding] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: spool.inboxMoves)) ?? []
        return entries.sorted().compactMap { name -> Finding? in
            guard name.hasSuffix(".json"),
                let data = FileManager.default.contents(atPath: spool.inboxMoves + "/" + name),
                let value = try? JSONParser().parse(Array(data)),
                let from = value["from"]?.stringValue, let to = value["to"]?.stringValue
            else { return nil }
            let code = String(name.dropLast(5))
            let command = "lienthong inbox move \(code) --to \(to)"
            if value["phase"]?.stringValue == "switched" {
                return Finding(
                    "inbox-move-old-copy", .warning, subject: "\(code) inbox: \(from)",
                    vi: "Hộp thư đến của cơ quan \(code) đã chuyển sang \(to); bản cũ vẫn còn ở \(from).",
                    en: "The inbox of agency \(code) has moved to \(to); the old copy is still at \(from).",
                    actionVi: "Kiểm tra chỗ mới rồi xóa bản cũ: \(command) --remove-old",
                    actionEn: "Check the new place, then remove the old copy: \(command) --remove-old")
            }
            return Finding(
                "inbox-move-unfinished", .warning, subject: "\(code) inbox: \(from)",
                vi: "Việc chuyển hộp thư đến của cơ quan \(code) sang \(to) chưa xong; chỗ cũ vẫn đang dùng.",
                en: "The move of agency \(code)'s inbox to \(to) did not finish; the old place is still in service.",
                actionVi: "Chạy lại để làm tiếp: \(command)", actionEn: "Run it again to finish it: \(command)")
        }
    }

    private func check(_ path: String, agency: AgencyConfig, spoolDevice: dev_t?, mounts: MountTable) -> Finding {
        let subject = "\(agency.code) inbox: \(path)"
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                return Finding(
                    "inbox-missing", .error, subject: subject,
                    vi:
                        "Hộp thư đến của cơ quan \(agency.code) không tồn tại: ổ mạng chưa được kết nối (mount)? Văn bản gửi đến sẽ phải chờ.",
                    en:
                        "The inbox of agency \(agency.code) does not exist: is the share not mounted? Deliveries to it wait.",
                    actionVi: "Kết nối (mount) ổ mạng của cơ quan, hoặc sửa dòng inbox: của agency.yaml.",
                    actionEn: "Mount the agency's share, or fix the inbox: line of agency.yaml.")
            }
            return Finding(
                "inbox-unreachable", .error, subject: subject,
                vi: "Không truy cập được hộp thư đến của cơ quan \(agency.code): \(String(cString: strerror(code))).",
                en: "The inbox of agency \(agency.code) cannot be reached: \(String(cString: strerror(code))).",
                actionVi: "Kiểm tra kết nối ổ mạng và quyền truy cập.",
                actionEn: "Check the share's connection and permissions.")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return Finding(
                "inbox-not-directory", .error, subject: subject,
                vi: "Hộp thư đến của cơ quan \(agency.code) không phải là thư mục.",
                en: "The inbox of agency \(agency.code) is not a folder.",
                actionVi: "Sửa dòng inbox: của agency.yaml cho đúng một thư mục trong ổ mạng.",
                actionEn: "Point the inbox: line of agency.yaml at a folder inside the share.")
        }
        if isReadOnlyFileSystem(path) {
            return readOnly(
                subject, agency, reason: "hệ thống tệp chỉ đọc", english: "the file system is mounted read-only")
        }
        if access(path, W_OK | X_OK) != 0 {
            let reason = String(cString: strerror(errno))
            return notWritable(subject, agency, reason: reason)
        }
        if let failure = probeWrite(path) {
            if failure == EROFS {
                return readOnly(
                    subject, agency, reason: "hệ thống tệp chỉ đọc", english: "the file system is read-only")
            }
            return notWritable(subject, agency, reason: String(cString: strerror(failure)))
        }
        if let severity = bareMountPoint(path, info: info, spoolDevice: spoolDevice, mounts: mounts) {
            return Finding(
                "inbox-not-mounted", severity, subject: subject,
                vi:
                    "Hộp thư đến của cơ quan \(agency.code) là một thư mục rỗng trên chính ổ đĩa của spool, giống điểm gắn (mount point) chưa được gắn ổ mạng: văn bản sẽ nằm trên máy này thay vì trong ổ mạng.",
                en:
                    "The inbox of agency \(agency.code) is an empty folder on the spool's own disk that looks like an unmounted mount point: deliveries would land on this machine, not on the share.",
                actionVi:
                    "Gắn (mount) ổ mạng, và cho inbox: trỏ vào một thư mục bên trong ổ mạng (ví dụ /mnt/snv/inbox), không phải chính điểm gắn.",
                actionEn:
                    "Mount the share, and point inbox: at a folder inside it (e.g. /mnt/snv/inbox), not at the mount point itself."
            )
        }
        return .ok(
            "inbox", subject: subject, vi: "Hộp thư đến của cơ quan \(agency.code) ghi được.",
            en: "The inbox of agency \(agency.code) is writable.")
    }

    private func readOnly(_ subject: String, _ agency: AgencyConfig, reason: String, english: String) -> Finding {
        Finding(
            "inbox-read-only", .error, subject: subject,
            vi: "Hộp thư đến của cơ quan \(agency.code) chỉ đọc (\(reason)): không chuyển được văn bản đến.",
            en: "The inbox of agency \(agency.code) is read-only (\(english)): nothing can be delivered.",
            actionVi: "Gắn lại ổ mạng với quyền ghi (rw).", actionEn: "Remount the share read-write.")
    }

    private func notWritable(_ subject: String, _ agency: AgencyConfig, reason: String) -> Finding {
        Finding(
            "inbox-not-writable", .error, subject: subject,
            vi: "Không ghi được vào hộp thư đến của cơ quan \(agency.code) (\(reason)).",
            en: "The inbox of agency \(agency.code) cannot be written (\(reason)).",
            actionVi: "Cho người dùng của dịch vụ quyền ghi vào thư mục (chown/chmod, quyền chia sẻ của ổ mạng).",
            actionEn: "Give the service user write access to the folder (chown/chmod, the share's permissions).")
    }

    /// Whether `path`'s file system is mounted read-only (`statvfs` `ST_RDONLY`).
    private func isReadOnlyFileSystem(_ path: String) -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return false }
        return info.f_flag & 1 != 0  // ST_RDONLY
    }

    /// Creates, writes and removes a hidden file in `path`; nil when that worked, else the `errno` of the failure.
    private func probeWrite(_ path: String) -> Int32? {
        let probe = path + "/.lienthong-doctor-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return errno }
        var byte: UInt8 = 0x0A
        let written = write(descriptor, &byte, 1)
        let writeError = errno
        close(descriptor)
        unlink(probe)
        return written == 1 ? nil : writeError
    }

    /// Whether `path` looks like a mount point with nothing mounted on it.
    ///
    /// The README says to point `inbox:` at a folder *inside* the share (`/mnt/snv/inbox`): then an unmounted share
    /// makes the inbox missing, which is reported and makes deliveries wait. When `inbox:` is the mount point itself,
    /// an unmounted share leaves an ordinary empty folder on the local disk, and deliveries would silently land
    /// there. It cannot be known for sure, so this is a heuristic: the folder is empty, it is on the same device as
    /// the spool (a mounted share would be another device), nothing is mounted on it now (`/proc/self/mountinfo`),
    /// and it is a mount point's target in `/etc/fstab` (an error: the share is configured but not mounted) or lies
    /// under `/mnt` or `/media`, where mount points live (a warning).
    func bareMountPoint(_ path: String, info: stat, spoolDevice: dev_t?, mounts: MountTable) -> Severity? {
        guard let spoolDevice, info.st_dev == spoolDevice else { return nil }
        let standard = (path as NSString).standardizingPath
        guard !mounts.mounted.contains(standard) else { return nil }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path), entries.isEmpty else {
            return nil
        }
        if mounts.configured.contains(standard) { return .error }
        if ["/mnt/", "/media/", "/run/media/"].contains(where: { standard.hasPrefix($0) }) { return .warning }
        return nil
    }
}

/// Mount points: those configured in fstab and those mounted now.
struct MountTable {
    /// Targets listed in fstab.
    let configured: Set<String>
    /// Targets mounted now.
    let mounted: Set<String>

    init(settings: DoctorSettings) {
        configured = Self.targets(settings.fstab, field: 1)
        mounted = Self.targets(settings.mountInfo, field: 4)
    }

    /// The `field`-th whitespace-separated field of each line (0-based), with fstab's octal escapes (`\040`) undone.
    private static func targets(_ file: String, field: Int) -> Set<String> {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        var result: Set<String> = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > field else { continue }
            result.insert((unescape(String(fields[field])) as NSString).standardizingPath)
        }
        return result
    }

    private static func unescape(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
                let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
