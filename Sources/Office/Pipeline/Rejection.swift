import Archiving
import DurableIO
import Foundation
import Intake
import Packets
import Spool

/// Why a drop is returned to the clerk: a stable code and the problems in a clerk's words.
struct Rejection: Error, Sendable {
    /// The first problem's code (the journal's `reason`).
    let code: String
    /// Every distinct problem's code, the first first.
    let codes: [String]
    let issues: [ClerkIssue]

    init(_ code: String, _ issues: [ClerkIssue]) {
        self.code = code
        self.codes = [code]
        self.issues = issues
    }

    /// Every problem found in one pass over a drop, in the order found, told together so that the clerk fixes them
    /// all in one go.
    init?(combining rejections: [Rejection]) {
        guard let first = rejections.first else { return nil }
        code = first.code
        var codes: [String] = []
        for code in rejections.flatMap(\.codes) where !codes.contains(code) { codes.append(code) }
        self.codes = codes
        issues = rejections.flatMap(\.issues)
    }

    init(code: String, codes: [String], issues: [ClerkIssue]) {
        self.code = code
        self.codes = codes.isEmpty ? [code] : codes
        self.issues = issues
    }

    init(_ code: String, vi: String, en: String, doVi: String, doEn: String) {
        self.init(
            code, [ClerkIssue(field: nil, problem: Bilingual(vi: vi, en: en), action: Bilingual(vi: doVi, en: doEn))])
    }

    static func sidecar(_ rejection: SidecarRejection) -> Rejection { Rejection("sidecar-invalid", rejection.issues) }

    static func build(_ error: PacketBuildError) -> Rejection {
        let code: String
        switch error {
        case .sidecar: code = "sidecar-invalid"
        case .noDocuments: code = "missing-document"
        case .badFileName: code = "bad-file-name"
        case .duplicateFileName: code = "duplicate-file-name"
        case .unreadable: code = "unreadable"
        case .notRegularFile: code = "not-a-regular-file"
        case .changedWhilePacking: code = "changed-while-packing"
        case .signing: code = "signing-failed"
        case .archive, .output: code = "write-failed"
        }
        return Rejection(code, error.issues)
    }

    /// One issue per unknown code, each naming the office's nearest codes (by the characters that differ) and where
    /// the whole list is.
    static func unknownRecipients(_ codes: [AgencyCode], known: [AgencyCode: String]) -> Rejection {
        Rejection(
            "recipient-unknown",
            codes.map { code in
                let near = AgencyCodeNeighbours.nearest(to: code, among: Array(known.keys))
                let list = near.map { "\($0) (\(known[$0] ?? ""))" }.joined(separator: "; ")
                let hint = near.isEmpty ? ("", "") : (" Mã gần giống: \(list).", " Nearest known codes: \(list).")
                return ClerkIssue(
                    field: "to",
                    problem: Bilingual(
                        vi: "Không có cơ quan nhận với mã \(code) trong hệ thống.\(hint.0)",
                        en: "No recipient agency with the code \(code) is known to this office.\(hint.1)"),
                    action: Bilingual(
                        vi:
                            "Sửa mã trong trường `to` theo tệp \(CodeListFile.name) (trong thư mục của cơ quan mình); nếu cơ quan nhận chưa có trong danh sách, báo quản trị viên thêm cơ quan này.",
                        en:
                            "Correct the code in `to` from the list in \(CodeListFile.name) (in your agency's folder); if the recipient is not on it, ask the administrator to add the agency."
                    ))
            })
    }

    /// A document name that cannot travel to Windows shares, with a name that can.
    static func badFileName(_ name: String, _ problem: NameProblem) -> Rejection {
        let problems = PacketBuildError.badFileName(name, problem).issues
        guard let issue = problems.first, let better = PortableName.suggestion(for: name), better != name else {
            return Rejection("bad-file-name", problems)
        }
        return Rejection(
            "bad-file-name",
            [
                ClerkIssue(
                    field: nil, problem: issue.problem,
                    action: Bilingual(
                        vi:
                            "Đổi tên tệp, ví dụ thành \"\(better)\" (nhớ đổi cả tên tệp mô tả cho giống), rồi đặt lại vào outbox.",
                        en:
                            "Rename the file, for example to \"\(better)\" (and its sidecar to match), then put them back into outbox."
                    ))
            ])
    }

    static func recipientIsSender(_ code: AgencyCode) -> Rejection {
        Rejection(
            "recipient-is-sender", vi: "Nơi nhận \(code) chính là cơ quan gửi.",
            en: "The recipient \(code) is the sending agency itself.",
            doVi: "Bỏ mã của cơ quan mình khỏi trường `to`; bản lưu được giữ trong kho lưu trữ.",
            doEn: "Remove your own agency from `to`; the archive keeps the office copy.")
    }

    static func issuedInFuture(_ date: CalendarDate, today: CalendarDate) -> Rejection {
        Rejection(
            "issued-in-future",
            vi: "Ngày ban hành \(date.vietnamese) (trường `issuedDate`) sau ngày hôm nay (\(today.vietnamese)).",
            en: "The issue date \(date) (`issuedDate`) is after today (\(today)).",
            doVi: "Sửa ngày ban hành (dạng năm-tháng-ngày, ví dụ \(today)), rồi đặt lại vào thư mục outbox.",
            doEn: "Correct the issue date (year-month-day, e.g. \(today)) and put the files back into the outbox.")
    }

    static func numberUsed(_ number: String, year: Int, by packetId: String) -> Rejection {
        Rejection(
            "number-already-used",
            vi: "Số, ký hiệu \(number) đã được cơ quan dùng trong năm \(year) (gói tin \(packetId)).",
            en: "The number and symbol \(number) were already used by this agency in \(year) (packet \(packetId)).",
            doVi: "Mỗi số văn bản chỉ dùng một lần trong năm (Nghị định 30/2020, Điều 15). Kiểm tra lại số văn bản.",
            doEn: "A document number is used once a year (Decree 30/2020 Art 15). Check the document's number.")
    }

    static func notRegularFile(_ kind: EntryKind) -> Rejection {
        let (vi, en): (String, String)
        switch kind {
        case .symbolicLink:
            (vi, en) = ("một lối tắt (liên kết) tới tệp khác", "a shortcut (symbolic link) to another file")
        case .fifo: (vi, en) = ("một đường ống (FIFO), không phải tệp", "a pipe (FIFO), not a file")
        case .device: (vi, en) = ("một thiết bị, không phải tệp", "a device, not a file")
        case .socket: (vi, en) = ("một socket, không phải tệp", "a socket, not a file")
        default: (vi, en) = ("không phải tệp thông thường", "not a regular file")
        }
        return Rejection(
            "not-a-regular-file", vi: "Mục này là \(vi); hệ thống không đọc nó.",
            en: "This is \(en); the office does not read it.",
            doVi: "Sao chép chính tệp văn bản (không phải lối tắt) vào thư mục outbox.",
            doEn: "Copy the document itself, not a shortcut, into outbox.")
    }

    /// A document whose sidecar never came, told with the clerk's own names and the names that almost match.
    static func missingSidecar(_ name: String, wait: Duration, nearly: [String]) -> Rejection {
        let waited = HumanDuration.text(wait)
        let why = WaitingNotice.Reason.sidecarMissing(document: name, nearly: nearly)
        let sidecar = WaitingNotice.sidecarName(for: name)
        return Rejection(
            "missing-sidecar",
            vi: "Sau \(waited.vi) chờ, \(why.explanation.vi).",
            en: "After waiting \(waited.en), \(why.explanation.en).",
            doVi: nearly.count == 1
                ? why.action.vi + " Sau đó đặt cả hai tệp vào outbox."
                : "Tạo tệp mô tả \"\(sidecar)\" theo mẫu trong hướng dẫn (README), rồi đặt cả văn bản và tệp mô tả vào outbox.",
            doEn: nearly.count == 1
                ? why.action.en + " Then put both files into outbox."
                : "Write the sidecar \"\(sidecar)\" from the example in the README, then put the document and the sidecar into outbox."
        )
    }

    /// A sidecar whose documents never came.
    static func missingDocument(_ name: String, wait: Duration, nearly: [String]) -> Rejection {
        let waited = HumanDuration.text(wait)
        let why = WaitingNotice.Reason.documentMissing(sidecar: name, nearly: nearly)
        let stem = String(name.dropLast(5))
        return Rejection(
            "missing-document",
            vi: "Sau \(waited.vi) chờ, \(why.explanation.vi).",
            en: "After waiting \(waited.en), \(why.explanation.en).",
            doVi: nearly.count == 1
                ? why.action.vi + " Sau đó đặt cả hai tệp vào outbox."
                : "Đặt tệp mô tả vào outbox cùng với văn bản cùng tên (ví dụ \"\(stem).pdf\").",
            doEn: nearly.count == 1
                ? why.action.en + " Then put both files into outbox."
                : "Put the sidecar into outbox together with the document of the same name (such as \"\(stem).pdf\").")
    }

    /// A folder whose metadata.json never came.
    static func folderWithoutMetadata(_ name: String, wait: Duration) -> Rejection {
        let waited = HumanDuration.text(wait)
        let why = WaitingNotice.Reason.folderWithoutMetadata(folder: name)
        return Rejection(
            "folder-without-metadata",
            vi: "Sau \(waited.vi) chờ, \(why.explanation.vi).",
            en: "After waiting \(waited.en), \(why.explanation.en).",
            doVi: why.action.vi + " Sau đó đặt lại thư mục vào outbox.",
            doEn: why.action.en + " Then put the folder back into outbox.")
    }

    static func nestedFolder(_ name: String) -> Rejection {
        Rejection(
            "nested-folder", vi: "Thư mục văn bản chứa thư mục con \"\(name)\".",
            en: "The document folder holds a subfolder \"\(name)\".",
            doVi: "Đặt mọi tệp trực tiếp trong thư mục văn bản, không dùng thư mục con.",
            doEn: "Put every file directly in the document folder, without subfolders.")
    }

    static func unreadable(_ detail: String) -> Rejection {
        Rejection(
            "unreadable", vi: "Hệ thống không đọc được các tệp này.",
            en: "The office could not read these files: \(detail).",
            doVi: "Kiểm tra các tệp mở được bình thường, rồi đặt lại vào outbox; nếu vẫn lỗi, báo quản trị viên.",
            doEn:
                "Check that the files open normally and put them back into outbox; if it happens again, tell the administrator."
        )
    }

    static func reservedName(_ names: [String]) -> Rejection {
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return Rejection(
            "reserved-name",
            vi:
                "Tệp \(list) trùng tên với tệp hệ thống tự ghi cho nơi nhận (thông báo giá trị pháp lý, dữ liệu đặc tả, chữ ký số …): nơi nhận có thể nhầm là văn bản của hệ thống.",
            en:
                "The file \(list) has the name of a file the office itself writes for the recipient (the legal-value notice, the metadata, the signature …): the recipient could take it for the office's own.",
            doVi:
                "Đổi tên tệp (ví dụ thêm \"Tài liệu kèm theo - \" vào đầu tên), rồi đặt lại tất cả các tệp vào outbox.",
            doEn:
                "Rename the file (for example put \"Tài liệu kèm theo - \" before its name), then put all the files back into outbox."
        )
    }

    static func emptyDocument(_ name: String) -> Rejection {
        Rejection(
            "empty-document", vi: "Tệp \"\(name)\" rỗng (0 byte).",
            en: "The file \"\(name)\" is empty (0 bytes).",
            doVi: "Sao chép lại tệp văn bản đầy đủ vào outbox.", doEn: "Copy the complete document into outbox again.")
    }

    static func incomplete(_ files: [WaitingNotice.Incomplete], wait: Duration) -> Rejection {
        let waited = HumanDuration.text(wait)
        return Rejection(
            "incomplete-file",
            files.map { file in
                let why = WaitingNotice.why(file)
                return ClerkIssue(
                    field: nil,
                    problem: Bilingual(
                        vi: "Sau \(waited.vi) chờ, \(why.vi).", en: "After waiting \(waited.en), \(why.en)."),
                    action: Bilingual(
                        vi: "Tệp chưa đầy đủ nên không được gửi: chép lại toàn bộ tệp (cùng tệp mô tả) vào outbox.",
                        en: "The file is incomplete: copy it again whole (with its sidecar) into outbox."))
            })
    }

    static func changedAfterClaim(_ names: [String]) -> Rejection {
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return Rejection(
            "changed-after-claim",
            vi:
                "Tệp \(list) vẫn thay đổi (việc chép còn tiếp tục) sau khi hệ thống đã nhận để gửi; bản chưa đầy đủ không được gửi.",
            en:
                "The file \(list) kept changing (the copy went on) after the office had taken it to send; the cut-short copy was not sent.",
            doVi: "Tệp có thể chưa đầy đủ: chép lại toàn bộ tệp (cùng tệp mô tả) vào outbox, và chờ việc chép xong.",
            doEn:
                "The file may be incomplete: copy it again whole (with its sidecar) into outbox, and let the copy finish."
        )
    }
}
