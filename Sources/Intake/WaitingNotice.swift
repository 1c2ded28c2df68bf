import DurableIO
import Foundation
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// The notice a clerk finds in the outbox while a drop is held back because a file in it is incomplete (a PDF
/// without `%%EOF`, an Office file without its closing record): `! ĐANG CHỜ — <name>.txt`, which sorts before
/// the documents. It is the office's own file: the scanner never takes it as a document or a sidecar, and it is
/// removed as soon as the drop is sent or returned.
public enum WaitingNotice {
    /// The notice names' beginning (NFC) and end.
    public static let prefix = "! ĐANG CHỜ — "
    public static let suffix = ".txt"

    /// Whether `name` is a waiting notice (whatever the normalisation a share gave its name).
    public static func isNotice(_ name: RawName) -> Bool {
        guard name.bytes.first == UInt8(ascii: "!"), let text = name.string?.precomposedNFC else { return false }
        return text.hasPrefix(prefix) && text.lowercased().hasSuffix(suffix)
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

    /// The notice's text.
    public static func text(
        drop: [String], agency: AgencyCode, incomplete: [Incomplete], since: Date, lastChange: Date, until: Date,
        wait: Duration, timeZone: TimeZone
    ) -> String {
        let files = drop.joined(separator: ", ")
        let waitText = HumanDuration.text(wait)
        var lines = [
            "ĐANG CHỜ — LienThong", "Văn bản: \(files)", "Cơ quan gửi: \(agency)", "",
            "Văn bản này CHƯA ĐƯỢC GỬI vì:",
        ]
        lines += incomplete.map { "  - " + why($0).vi + "." }
        lines += [
            "", "Đang chờ từ: \(Self.vietnamese(since, timeZone))",
            "Tệp thay đổi lần cuối: \(Self.vietnamese(lastChange, timeZone))",
            "Chờ đến: \(Self.vietnamese(until, timeZone)) (\(waitText.vi) sau lần thay đổi cuối). Nếu đến lúc đó tệp vẫn chưa "
                + "đầy đủ, văn bản được trả lại vào thư mục rejected/ kèm lý do; văn bản chưa đầy đủ không bao giờ được gửi đi.",
            "Cách xử lý: Nếu việc chép vẫn đang tiếp tục, chỉ cần chờ: văn bản được gửi ngay khi tệp đầy đủ. Nếu việc chép đã "
                + "bị ngắt, chép lại toàn bộ tệp vào outbox (ghi đè tệp chưa đầy đủ).",
            "Tệp thông báo này tự mất khi văn bản được gửi hoặc bị trả lại; không cần xóa nó.",
            "", "---", "WAITING — LienThong", "Document: \(files)", "Sending agency: \(agency)", "",
            "This document has NOT BEEN SENT because:",
        ]
        lines += incomplete.map { "  - " + why($0).en + "." }
        lines += [
            "", "Waiting since: \(Timestamp.string(since, in: timeZone))",
            "Last changed: \(Timestamp.string(lastChange, in: timeZone))",
            "Waiting until: \(Timestamp.string(until, in: timeZone)) (\(waitText.en) after the last change). If the file is still "
                + "incomplete then, the document is returned to rejected/ with the reason; an incomplete document is never sent.",
            "What to do: if the copy is still going on, just wait: the document is sent as soon as the file is whole. If the copy "
                + "was interrupted, copy the whole file into outbox again (over the incomplete one).",
            "This notice goes away by itself when the document is sent or returned; there is no need to delete it.", "",
        ]
        return lines.joined(separator: "\n").precomposedNFC
    }

    /// `05:01:12 ngày 02/12/2026`.
    private static func vietnamese(_ date: Date, _ timeZone: TimeZone) -> String {
        String(Timestamp.string(date, in: timeZone).dropFirst(11).prefix(8)) + " ngày "
            + CalendarDate(date, in: timeZone).vietnamese
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
