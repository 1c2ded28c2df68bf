import DurableIO
import Foundation
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// The notice a clerk finds in the outbox while a drop waits — for its sidecar or its document, for a copy to
/// finish, for a file whose end is missing: `! ĐANG CHỜ — <name>.txt`, which sorts before the documents. It says
/// what the drop waits for, since when and until when, and what to do. It is the office's own file: the scanner
/// never takes it as a document or a sidecar, and it goes as soon as the drop is sent or returned.
public enum WaitingNotice {
    /// The notice names' beginning (NFC) and end.
    public static let prefix = "! ĐANG CHỜ — "
    public static let suffix = ".txt"

    /// The notice in the outbox of an agency that retired: the outbox is closed.
    public static let closedName = "! ĐÃ ĐÓNG — hộp thư đi không còn dùng.txt".precomposedNFC

    /// Whether `name` is a waiting notice or the closed-outbox notice (whatever the normalisation a share gave its
    /// name).
    public static func isNotice(_ name: RawName) -> Bool {
        guard name.bytes.first == UInt8(ascii: "!"), let text = name.string?.precomposedNFC else { return false }
        return (text.hasPrefix(prefix) && text.lowercased().hasSuffix(suffix)) || text == closedName
    }

    /// The notice's name for the entry `name` (a document, or a folder drop), shortened to fit in 255 bytes.
    public static func name(for name: RawName) -> RawName {
        var base = ""
        for scalar in (name.string ?? name.description).unicodeScalars {
            base.unicodeScalars.append(PortableNameScalars.isUnsafe(scalar) ? "_" : scalar)
        }
        while prefix.utf8.count + base.utf8.count + suffix.utf8.count > 255 { base.removeLast() }
        return RawName(Array((prefix + base + suffix).utf8))
    }

    /// One file that holds the drop back.
    public struct Incomplete: Sendable, Equatable {
        /// As the clerk sees it: `X.pdf`, or `Folder/X.pdf` inside a folder drop.
        public let name: String
        public let size: Int64
        /// Whether it is a PDF (else an Office or ZIP file).
        public let pdf: Bool

        public init(name: String, size: Int64, pdf: Bool) {
            self.name = name
            self.size = size
            self.pdf = pdf
        }
    }

    /// What a drop waits for.
    public enum Reason: Sendable, Equatable {
        /// Files whose end is missing (a PDF without `%%EOF` …).
        case incomplete([Incomplete])
        /// A document without its sidecar; `nearly` names files whose names almost match (accents, case, spaces).
        case sidecarMissing(document: String, nearly: [String])
        /// A sidecar without its documents.
        case documentMissing(sidecar: String, nearly: [String])
        /// A folder without `metadata.json`.
        case folderWithoutMetadata(folder: String)
        /// Files still being written or still changing.
        case copying([String])

        /// What the drop waits for, as a clause (no final full stop).
        public var explanation: Bilingual {
            switch self {
            case .incomplete(let files):
                let parts = files.map(WaitingNotice.why)
                return Bilingual(
                    vi: parts.map(\.vi).joined(separator: "; "), en: parts.map(\.en).joined(separator: "; "))
            case .sidecarMissing(let document, let nearly):
                let sidecar = WaitingNotice.sidecarName(for: document)
                return Bilingual(
                    vi:
                        "văn bản \"\(document)\" chưa có tệp mô tả đi kèm: cần tệp \"\(sidecar)\" (cùng tên, đuôi .json)"
                        + WaitingNotice.nearlyText(nearly).vi,
                    en:
                        "the document \"\(document)\" has no sidecar yet: it needs \"\(sidecar)\" (the same name, ending in .json)"
                        + WaitingNotice.nearlyText(nearly).en)
            case .documentMissing(let sidecar, let nearly):
                let stem = String(sidecar.dropLast(5))
                return Bilingual(
                    vi: "tệp mô tả \"\(sidecar)\" chưa có văn bản đi kèm: cần văn bản cùng tên, ví dụ \"\(stem).pdf\""
                        + WaitingNotice.nearlyText(nearly).vi,
                    en:
                        "the sidecar \"\(sidecar)\" has no document yet: it needs a document of the same name, such as \"\(stem).pdf\""
                        + WaitingNotice.nearlyText(nearly).en)
            case .folderWithoutMetadata(let folder):
                return Bilingual(
                    vi: "thư mục \"\(folder)\" chưa có tệp mô tả metadata.json",
                    en: "the folder \"\(folder)\" has no metadata.json (its sidecar) yet")
            case .copying(let names):
                let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
                return Bilingual(
                    vi: "tệp \(list) đang được chép vào (tệp vẫn còn thay đổi)",
                    en: "\(list) is still being copied (it keeps changing)")
            }
        }

        /// What the clerk can do.
        public var action: Bilingual {
            switch self {
            case .incomplete:
                return Bilingual(
                    vi:
                        "Nếu việc chép vẫn đang tiếp tục, chỉ cần chờ: văn bản được gửi ngay khi tệp đầy đủ. Nếu việc chép đã bị ngắt, chép lại toàn bộ tệp vào outbox (ghi đè tệp chưa đầy đủ).",
                    en:
                        "If the copy is still going on, just wait: the document is sent as soon as the file is whole. If the copy was interrupted, copy the whole file into outbox again (over the incomplete one)."
                )
            case .sidecarMissing(let document, let nearly):
                let sidecar = WaitingNotice.sidecarName(for: document)
                if nearly.count == 1, let other = nearly.first {
                    return Bilingual(
                        vi:
                            "Nếu \"\(other)\" là tệp mô tả của văn bản này, đổi tên nó thành \"\(sidecar)\" (tên phải giống hệt, kể cả dấu, chữ hoa và khoảng trắng).",
                        en:
                            "If \"\(other)\" is this document's sidecar, rename it to \"\(sidecar)\" (the names must be identical, accents, case and spaces included)."
                    )
                }
                return Bilingual(
                    vi:
                        "Tạo tệp mô tả \"\(sidecar)\" theo mẫu trong hướng dẫn (README) và đặt nó vào outbox cạnh văn bản.",
                    en:
                        "Write the sidecar \"\(sidecar)\" from the example in the README and put it into outbox beside the document."
                )
            case .documentMissing(let sidecar, let nearly):
                let stem = String(sidecar.dropLast(5))
                if nearly.count == 1, let other = nearly.first {
                    let renamed = stem + WaitingNotice.extensionOf(other)
                    return Bilingual(
                        vi:
                            "Nếu \"\(other)\" là văn bản của tệp mô tả này, đổi tên nó thành \"\(renamed)\" (tên phải giống hệt, kể cả dấu, chữ hoa và khoảng trắng).",
                        en:
                            "If \"\(other)\" is this sidecar's document, rename it to \"\(renamed)\" (the names must be identical, accents, case and spaces included)."
                    )
                }
                return Bilingual(
                    vi: "Đặt văn bản cùng tên (ví dụ \"\(stem).pdf\") vào outbox cạnh tệp mô tả.",
                    en: "Put the document, named like the sidecar (such as \"\(stem).pdf\"), into outbox beside it.")
            case .folderWithoutMetadata(let folder):
                return Bilingual(
                    vi:
                        "Thêm tệp metadata.json (tệp mô tả văn bản, theo mẫu trong hướng dẫn) vào thư mục \"\(folder)\".",
                    en: "Add metadata.json (the sidecar, from the example in the README) to the folder \"\(folder)\".")
            case .copying:
                return Bilingual(
                    vi: "Chỉ cần chờ việc chép xong: văn bản được gửi ngay sau đó.",
                    en: "Just let the copy finish: the document is sent right after.")
            }
        }
    }

    /// `Kế hoạch 88.docx` → `Kế hoạch 88.json`.
    public static func sidecarName(for document: String) -> String {
        guard let dot = document.lastIndex(of: "."), dot > document.startIndex else { return document + ".json" }
        return String(document[..<dot]) + ".json"
    }

    static func extensionOf(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return "" }
        return String(name[dot...])
    }

    static func nearlyText(_ nearly: [String]) -> Bilingual {
        guard !nearly.isEmpty else { return Bilingual(vi: "", en: "") }
        let list = nearly.map { "\"\($0)\"" }.joined(separator: ", ")
        return Bilingual(
            vi: ". Trong outbox có tệp tên gần giống: \(list) (chỉ khác ở dấu, chữ hoa hoặc khoảng trắng)"
                + (nearly.count > 1 ? ", nên hệ thống không tự ghép được" : ""),
            en: ". The outbox holds a file of almost the same name: \(list) (differing only in accents, case or spaces)"
                + (nearly.count > 1 ? ", so the office cannot pair them by itself" : ""))
    }

    /// Why a file is held back, in Vietnamese and English.
    public static func why(_ file: Incomplete) -> Bilingual {
        if file.pdf {
            return Bilingual(
                vi:
                    "tệp \"\(file.name)\" chưa chép xong: tệp PDF phải kết thúc bằng dấu hiệu %%EOF nhưng phần cuối của tệp chưa có (hiện có \(file.size) byte)",
                en:
                    "the file \"\(file.name)\" is not completely copied: a PDF ends with %%EOF, and the end of this one is missing (\(file.size) bytes so far)"
            )
        }
        return Bilingual(
            vi:
                "tệp \"\(file.name)\" chưa chép xong: tệp Office (DOCX, XLSX, PPTX, ODT …) phải kết thúc bằng bản ghi kết thúc của tệp nén, nhưng phần cuối của tệp chưa có (hiện có \(file.size) byte)",
            en:
                "the file \"\(file.name)\" is not completely copied: an Office file (DOCX, XLSX, PPTX, ODT …) ends with the zip's end-of-central-directory record, and the end of this one is missing (\(file.size) bytes so far)"
        )
    }

    /// When a wait ends, and from what it is counted.
    public struct Deadline: Sendable, Equatable {
        public let until: Date
        public let wait: Duration
        /// From the last change of the files (else from when they were put into the outbox).
        public let fromLastChange: Bool

        public init(until: Date, wait: Duration, fromLastChange: Bool) {
            self.until = until
            self.wait = wait
            self.fromLastChange = fromLastChange
        }
    }

    /// The notice's text: Vietnamese, then English.
    public static func text(
        drop: [String], agency: AgencyCode, reasons: [Reason], since: Date, deadline: Deadline?, timeZone: TimeZone
    ) -> String {
        let files = drop.joined(separator: ", ")
        var lines = [
            "ĐANG CHỜ — LienThong", "Tệp: \(files)", "Cơ quan gửi: \(agency)", "",
            "Văn bản này CHƯA ĐƯỢC GỬI vì:",
        ]
        lines += reasons.map { "  - " + $0.explanation.vi + "." }
        lines += ["", "Đang chờ từ: \(Timestamp.vietnamese(since, in: timeZone))"]
        if let deadline {
            let wait = HumanDuration.text(deadline.wait)
            lines.append(
                "Chờ đến: \(Timestamp.vietnamese(deadline.until, in: timeZone)) (\(wait.vi) "
                    + (deadline.fromLastChange ? "sau lần thay đổi cuối" : "sau khi tệp được đặt vào") + "). "
                    + "Nếu đến lúc đó vẫn chưa đủ, các tệp được trả lại vào thư mục rejected/ kèm lý do; "
                    + "văn bản chưa đầy đủ không bao giờ được gửi đi.")
        } else {
            lines.append("Chờ đến: khi việc chép xong.")
        }
        lines.append("Cách xử lý:")
        lines += reasons.map { "  - " + $0.action.vi }
        lines += [
            "Tệp thông báo này tự mất khi văn bản được gửi hoặc bị trả lại; không cần xóa nó.",
            "", "---", "WAITING — LienThong", "Files: \(files)", "Sending agency: \(agency)", "",
            "This document has NOT BEEN SENT because:",
        ]
        lines += reasons.map { "  - " + $0.explanation.en + "." }
        lines += ["", "Waiting since: \(Timestamp.string(since, in: timeZone))"]
        if let deadline {
            let wait = HumanDuration.text(deadline.wait)
            lines.append(
                "Waiting until: \(Timestamp.string(deadline.until, in: timeZone)) (\(wait.en) "
                    + (deadline.fromLastChange ? "after the last change" : "after the files were put in") + "). "
                    + "If it is still not whole then, the files are returned to rejected/ with the reason; "
                    + "an incomplete document is never sent.")
        } else {
            lines.append("Waiting until: the copy has finished.")
        }
        lines.append("What to do:")
        lines += reasons.map { "  - " + $0.action.en }
        lines += [
            "This notice goes away by itself when the document is sent or returned; there is no need to delete it.", "",
        ]
        return lines.joined(separator: "\n").precomposedNFC
    }
}

/// Durations as people write them: `30 phút` / `30 minutes`, `1 giờ 30 phút` / `1 hour 30 minutes`, `3 giây`.
public enum HumanDuration {
    public static func text(_ duration: Duration) -> Bilingual {
        var milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        var vi: [String] = []
        var en: [String] = []
        for (size, viUnit, enUnit) in [
            (Int64(86_400_000), "ngày", "day"), (3_600_000, "giờ", "hour"), (60_000, "phút", "minute"),
            (1000, "giây", "second"), (1, "mili giây", "millisecond"),
        ] where milliseconds >= size {
            let count = milliseconds / size
            milliseconds %= size
            vi.append("\(count) \(viUnit)")
            en.append("\(count) \(enUnit)\(count == 1 ? "" : "s")")
        }
        if vi.isEmpty { return Bilingual(vi: "0 giây", en: "0 seconds") }
        return Bilingual(vi: vi.joined(separator: " "), en: en.joined(separator: " "))
    }
}
