import DurableIO
import Foundation
import Packets

/// `DANH SÁCH CƠ QUAN.txt` in every agency's folder: the office's agencies, code and name, so that a clerk writing
/// `to` in a sidecar can look a code up where they work. Kept current by the daemon: rewritten (atomically) only when
/// an agency is added, renamed or removed.
public enum CodeListFile {
    /// The file's name (NFC).
    public static let name = "DANH SÁCH CƠ QUAN.txt".precomposedNFC

    /// The list a clerk reads: Vietnamese first, then English; codes in order; no paths, no certificates.
    public static func text(_ agencies: [(code: AgencyCode, name: String)]) -> String {
        let sorted = agencies.sorted { $0.code.rawValue < $1.code.rawValue }
        var lines = [
            "DANH SÁCH CƠ QUAN — LienThong",
            "Các cơ quan nhận được văn bản qua hệ thống. Ghi mã định danh vào trường \"to\" của tệp mô tả (.json),",
            "ví dụ: \"to\": [\"\(sorted.first?.code.rawValue ?? "000.00.01.H53")\"]. Tệp này do hệ thống tự cập nhật; không cần sửa.",
            "", "Mã định danh     Tên cơ quan",
        ]
        for agency in sorted {
            lines.append(agency.code.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0) + agency.name)
        }
        lines += [
            "", "---", "AGENCIES — LienThong",
            "The agencies this office delivers to. Put their codes in the sidecar's \"to\". Kept current by the office.",
            "",
        ]
        return lines.joined(separator: "\n").precomposedNFC
    }

    /// Writes the list into each agency folder whose copy differs; returns the folders written. A folder that cannot
    /// be written is skipped (the next change tries again): the list is a help, never a reason to stop.
    @discardableResult
    public static func update(_ spool: SpoolLayout, agencies: [(code: AgencyCode, name: String)]) -> [String] {
        let bytes = Array(text(agencies).utf8)
        var written: [String] = []
        for agency in agencies {
            let path = spool.agency(agency.code) + "/" + name
            if let current = try? Durable.readSmallFile(path, limit: 1 << 22), current == bytes { continue }
            guard (try? Durable.writeFile(at: path, bytes: bytes, replace: true)) != nil else { continue }
            written.append(path)
        }
        return written
    }
}
