import Fallback
import Packets

/// The names of the files the office itself writes beside delivered documents (`inbox/<packet-id>/`) and filed
/// originals (`sent/`): the legal-value notice, the paper-copy note, the signed metadata and its signature, the
/// packet file, the sending status. No document may take one of these names — nor one a clerk would read as one
/// (other case, accents or spacing, as a Windows share or a hurried reader sees it) — or the sender's text would
/// stand where the office's judgement belongs (issue 11: a forged "CÓ GIÁ TRỊ PHÁP LÝ").
enum OfficeFileNames {
    static let reserved = [
        LegalNotice.fileName, PaperCopyNote.fileName, PacketLayout.metadataName, PacketLayout.signatureName,
        SentStatus.fileName, FallbackOutputs.noticeName,
    ]

    /// Whether a document called `name` could be taken for a file the office writes.
    static func isReserved(_ name: String) -> Bool {
        let folded = key(name)
        if reserved.contains(where: { key($0) == folded }) { return true }
        // The packet file is `<packet-id>.tar` or `.zip`.
        for ext in [".tar", ".zip"] where folded.hasSuffix(ext) {
            if PacketID(String(name.dropLast(ext.count)).uppercased()) != nil { return true }
        }
        return false
    }

    /// The documents among `names` that could be taken for the office's own files.
    static func reservedAmong(_ names: [String]) -> [String] { names.filter(isReserved) }

    /// The receiving check's problem with a packet (made elsewhere) whose documents take such names, if any.
    static func problem(_ files: [PayloadFile]) -> PacketProblem? {
        let names = reservedAmong(files.map(\.name))
        guard !names.isEmpty else { return nil }
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return PacketProblem(
            "reserved-name", check: "receiving",
            vi:
                "Gói tin chứa tệp \(list) trùng tên với tệp hệ thống tự ghi cho nơi nhận (thông báo giá trị pháp lý …): không mở ra để không bị nhầm.",
            en:
                "The packet holds \(list), the name of a file the office itself writes for the recipient (the legal-value notice …): it is not opened, so that it cannot be mistaken for it."
        )
    }

    private static func key(_ name: String) -> String {
        VietnameseFolding.fold(name).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
