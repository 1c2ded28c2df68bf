import Foundation
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `state/` is mode 0700, and every private key — each agency.yaml `key:` (and its passphrase file) and every file
/// in `state/keys/` and `state/demo-ca/` — is mode 0600 or stricter and owned by the service user, taken to be the
/// owner of `state/` (the user `lienthong watch` runs as; the user running doctor when `state/` is missing).
public struct LayoutCheck: DoctorCheck {
    public let family = "layout"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        var findings: [Finding] = []
        let spool = context.spool
        var owner = geteuid()
        var info = stat()
        if stat(spool.state, &info) != 0 || info.st_mode & S_IFMT != S_IFDIR {
            findings.append(
                Finding(
                    "state-missing", .error, subject: "state/",
                    vi: "Không có thư mục state/ (khóa, nhật ký, chỉ mục).",
                    en: "There is no state/ folder (keys, journal, index).",
                    actionVi: "Chạy lienthong init --spool \(spool.root) để tạo (quyền 0700).",
                    actionEn: "Run lienthong init --spool \(spool.root) to create it (mode 0700)."))
        } else {
            owner = info.st_uid
            let mode = info.st_mode & 0o777
            if mode & 0o077 != 0 {
                findings.append(
                    Finding(
                        "state-mode", .error, subject: "state/",
                        vi: "Thư mục state/ có quyền \(octal(mode)): người dùng khác vào được nơi giữ khóa bí mật.",
                        en:
                            "The state/ folder has mode \(octal(mode)): other users can enter where the private keys are kept.",
                        actionVi: "Chạy: chmod 700 \(spool.state)", actionEn: "Run: chmod 700 \(spool.state)"))
            } else {
                findings.append(
                    .ok(
                        "state-mode", subject: "state/", vi: "state/ có quyền \(octal(mode)).",
                        en: "state/ has mode \(octal(mode))."))
            }
        }
        for (path, configured) in keyFiles(context) {
            findings += checkKey(path, configured: configured, owner: owner, context: context)
        }
        return findings
    }

    /// Every key-like file, with whether an agency.yaml names it (a named one must exist and belongs in state/).
    private func keyFiles(_ context: DoctorContext) -> [(String, Bool)] {
        var files: [(String, Bool)] = []
        var seen: Set<String> = []
        func add(_ path: String, _ configured: Bool) {
            let standard = (path as NSString).standardizingPath
            if seen.insert(standard).inserted { files.append((standard, configured)) }
        }
        for agency in context.agencies {
            if let key = agency.keyPath { add(key, true) }
            if case .file(let passphrase)? = agency.passphrase { add(passphrase, true) }
        }
        for folder in [context.spool.keys, context.spool.demoAuthority] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for name in names where !name.hasPrefix(".") {
                var info = stat()
                guard lstat(folder + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
                // The demo CA's certificate beside its key is public.
                if folder == context.spool.demoAuthority, !name.contains("key") { continue }
                add(folder + "/" + name, false)
            }
        }
        return files
    }

    private func checkKey(_ path: String, configured: Bool, owner: uid_t, context: DoctorContext) -> [Finding] {
        let subject = context.relative(path)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            return [
                Finding(
                    "key-missing", .error, subject: subject,
                    vi: "Không đọc được tệp khóa bí mật mà agency.yaml chỉ tới (\(reason)).",
                    en: "The private key file agency.yaml names cannot be found (\(reason)).",
                    actionVi:
                        "Đặt tệp khóa vào đúng chỗ (trong state/keys/, quyền 0600) hoặc sửa dòng key: của agency.yaml.",
                    actionEn: "Put the key file there (in state/keys/, mode 0600) or fix the key: line of agency.yaml.")
            ]
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return [
                Finding(
                    "key-not-file", .error, subject: subject,
                    vi: "Đường dẫn khóa bí mật không phải là một tệp.",
                    en: "The private key path is not a regular file.",
                    actionVi: "Sửa dòng key: của agency.yaml cho đúng tệp khóa.",
                    actionEn: "Point the key: line of agency.yaml at the key file.")
            ]
        }
        var findings: [Finding] = []
        let mode = info.st_mode & 0o7777
        if mode & 0o077 != 0 {
            findings.append(
                Finding(
                    "key-mode", .error, subject: subject,
                    vi:
                        "Tệp khóa bí mật có quyền \(octal(mode)): nhóm hoặc người khác đọc được; hệ thống từ chối dùng khóa này.",
                    en:
                        "The private key file has mode \(octal(mode)): group or others can read it; the office refuses to use it.",
                    actionVi: "Chạy: chmod 600 \(path)", actionEn: "Run: chmod 600 \(path)"))
        }
        if info.st_uid != owner {
            findings.append(
                Finding(
                    "key-owner", .error, subject: subject,
                    vi:
                        "Tệp khóa bí mật thuộc người dùng \(userName(info.st_uid)), không phải người dùng của dịch vụ (\(userName(owner)), chủ của state/).",
                    en:
                        "The private key file belongs to user \(userName(info.st_uid)), not the service user (\(userName(owner)), owner of state/).",
                    actionVi: "Chạy: chown \(userName(owner)) \(path)",
                    actionEn: "Run: chown \(userName(owner)) \(path)"))
        }
        if configured, !path.hasPrefix(context.spool.state + "/") {
            findings.append(
                Finding(
                    "key-outside-state", .warning, subject: subject,
                    vi: "Khóa bí mật nằm ngoài thư mục state/ của spool; văn thư có thể với tới nơi đó.",
                    en: "The private key is outside the spool's state/ folder, where clerks might reach it.",
                    actionVi: "Chuyển khóa vào state/keys/ (quyền 0600) và sửa dòng key: của agency.yaml.",
                    actionEn: "Move the key into state/keys/ (mode 0600) and update the key: line of agency.yaml."))
        }
        if findings.isEmpty {
            findings.append(
                .ok(
                    "key-mode", subject: subject, vi: "Khóa bí mật có quyền \(octal(mode)), đúng chủ sở hữu.",
                    en: "The private key has mode \(octal(mode)) and the right owner."))
        }
        return findings
    }
}

/// `0644`.
func octal(_ mode: mode_t) -> String {
    let digits = String(mode & 0o7777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// A user's name, or its number when it has none.
func userName(_ uid: uid_t) -> String {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
    return String(cString: name)
}
