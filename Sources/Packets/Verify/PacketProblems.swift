import Archiving
import DurableIO
import Signing

/// The catalogue of packet problems, each with its stable code and texts.
enum PacketProblems {
    static func archive(_ error: ArchiveError) -> PacketProblem {
        switch error {
        case .notAnArchive(let detail):
            PacketProblem(
                "not-an-archive", check: "archive", vi: "Tệp không phải là gói tin (không phải tệp tar hoặc zip).",
                en: "The file is not a packet: not a tar or zip archive (\(detail)).")
        case .truncated(let detail):
            PacketProblem(
                "truncated-archive", check: "archive",
                vi: "Gói tin bị cắt cụt (tệp không đầy đủ, có thể do truyền lỗi).",
                en: "The packet is truncated: the file ends too early (\(detail)).")
        default:
            PacketProblem(
                "archive-unreadable", check: "archive", vi: "Không đọc được gói tin.",
                en: "The packet cannot be read: \(error).")
        }
    }

    static func unsafe(_ entry: UnsafeEntry) -> PacketProblem {
        switch entry {
        case .absolutePath(let path):
            PacketProblem(
                "absolute-path", check: "archive", vi: "Gói tin chứa mục có đường dẫn tuyệt đối (\(path)).",
                en: "The packet holds an entry with an absolute path: \(path).")
        case .parentReference(let path):
            PacketProblem(
                "parent-reference", check: "archive", vi: "Gói tin chứa mục thoát ra ngoài thư mục bằng .. (\(path)).",
                en: "The packet holds an entry that climbs out with ..: \(path).")
        case .link(let path, let target):
            PacketProblem(
                "link-entry", check: "archive", vi: "Gói tin chứa liên kết (\(path) → \(target)).",
                en: "The packet holds a link: \(path) -> \(target).")
        case .specialFile(let path, let kind):
            PacketProblem(
                "special-file", check: "archive", vi: "Gói tin chứa tệp đặc biệt (\(kind)): \(path).",
                en: "The packet holds a \(kind): \(path).")
        case .duplicate(let path):
            PacketProblem(
                "duplicate-entry", check: "archive", vi: "Gói tin chứa mục trùng lặp: \(path).",
                en: "The packet holds the entry \(path) more than once.")
        case .badName(let path, let problem):
            PacketProblem(
                "bad-entry-name", check: "archive",
                vi: "Gói tin chứa tên tệp không hợp lệ: \(path) (\(PacketBuildError.vietnamese(problem))).",
                en: "The packet holds an invalid name: \(path) (\(problem)).")
        case .pathTooLong(let path, let bytes):
            PacketProblem(
                "bad-entry-name", check: "archive", vi: "Gói tin chứa đường dẫn quá dài (\(bytes) byte): \(path).",
                en: "The packet holds a path of \(bytes) bytes: \(path).")
        case .tooManyEntries(let limit):
            PacketProblem(
                "too-many-entries", check: "archive", vi: "Gói tin có quá nhiều mục (hơn \(limit)).",
                en: "The packet has more than \(limit) entries.")
        case .tooManyBytes(let limit):
            PacketProblem(
                "too-large", check: "archive", vi: "Gói tin quá lớn (hơn \(limit) byte dữ liệu).",
                en: "The packet holds more than \(limit) bytes of data.")
        }
    }

    static func extractionFailed(_ error: FileError) -> PacketProblem {
        PacketProblem(
            "extraction-failed", check: "archive", vi: "Không ghi được tệp khi mở gói tin.",
            en: "A document could not be written while the packet was opened: \(error).")
    }

    static func unexpectedEntry(_ path: String) -> PacketProblem {
        PacketProblem(
            "unexpected-entry", check: "archive", vi: "Gói tin chứa mục không đúng cấu trúc: \(path).",
            en: "The packet holds an entry outside its layout: \(path).")
    }

    static func missingTagFile(_ name: String) -> PacketProblem {
        PacketProblem(
            "missing-file", check: "archive", vi: "Gói tin thiếu tệp \(name).", en: "The packet lacks \(name).")
    }

    static func tagFileTooLarge(_ name: String) -> PacketProblem {
        PacketProblem(
            "too-large", check: "archive", vi: "Tệp \(name) trong gói tin quá lớn.",
            en: "\(name) in the packet is too large.")
    }

    static func bagDeclaration() -> PacketProblem {
        PacketProblem(
            "bagit-declaration-invalid", check: "bag", vi: "Tệp bagit.txt không đúng chuẩn BagIt.",
            en: "bagit.txt is not a BagIt declaration (version 0.97 or 1.0, UTF-8).")
    }

    static func metadataInvalid(_ rejection: SidecarRejection) -> PacketProblem {
        PacketProblem(
            "metadata-invalid", check: "metadata",
            vi: "Tệp metadata.json không hợp lệ: " + rejection.issues.map(\.problem.vi).joined(separator: " "),
            en: "metadata.json is invalid: " + rejection.issues.map(\.problem.en).joined(separator: " "))
    }

    static func packetIdMismatch(folder: String, id: String) -> PacketProblem {
        PacketProblem(
            "packet-id-mismatch", check: "metadata",
            vi: "Mã gói tin trong metadata.json (\(id)) khác tên thư mục (\(folder)).",
            en: "metadata.json names packet \(id) but the folder is \(folder).")
    }

    static func signatureMalformed(_ problem: SignatureProblem) -> PacketProblem {
        PacketProblem(
            "signature-malformed", check: "signature",
            vi: "Chữ ký số metadata.json.p7s không đọc được hoặc sai cấu trúc.",
            en: "metadata.json.p7s is not a valid detached signature: \(problem).")
    }

    static func metadataEdited() -> PacketProblem {
        PacketProblem(
            "metadata-edited", check: "signature", vi: "Tệp metadata.json đã bị sửa sau khi ký số.",
            en: "metadata.json was changed after it was signed.")
    }

    static func signatureReplaced() -> PacketProblem {
        PacketProblem(
            "signature-replaced", check: "signature", vi: "Chữ ký số đã bị thay bằng chữ ký của văn bản khác.",
            en: "The signature was replaced: it signs other content than this metadata.json.")
    }

    static func signatureMismatch(_ detail: String) -> PacketProblem {
        PacketProblem(
            "signature-mismatch", check: "signature", vi: "Chữ ký số không khớp với metadata.json.",
            en: "The signature does not match metadata.json: \(detail).")
    }

    static func chain(_ problem: ChainProblem) -> PacketProblem {
        switch problem {
        case .untrusted:
            PacketProblem(
                "untrusted-signer", check: "certificate",
                vi: "Chứng thư số của người ký không do tổ chức cung cấp dịch vụ được tin cậy cấp.",
                en: "The signer's certificate does not chain to a trusted CA: \(problem).")
        case .expired(_, let notAfter, _):
            PacketProblem(
                "certificate-expired", check: "certificate",
                vi: "Chứng thư số đã hết hạn (\(notAfter.iso8601UTC)) trước thời điểm ký.",
                en: "The certificate had expired at the signing time: \(problem).")
        case .notYetValid(_, let notBefore, _):
            PacketProblem(
                "certificate-not-yet-valid", check: "certificate",
                vi: "Chứng thư số chưa có hiệu lực (từ \(notBefore.iso8601UTC)) tại thời điểm ký.",
                en: "The certificate was not yet valid at the signing time: \(problem).")
        case .revoked:
            PacketProblem(
                "certificate-revoked", check: "certificate", vi: "Chứng thư số của người ký đã bị thu hồi.",
                en: "The signer's certificate is revoked: \(problem).")
        case .revocationUnknown:
            PacketProblem(
                "revocation-unknown", check: "certificate", vi: "Không có danh sách thu hồi để kiểm tra chứng thư số.",
                en: "Revocation could not be checked: \(problem).")
        case .wrongKeyUsage:
            PacketProblem(
                "wrong-key-usage", check: "certificate", vi: "Chứng thư số không được phép dùng để ký văn bản.",
                en: "The certificate may not sign documents: \(problem).")
        case .invalid:
            PacketProblem(
                "certificate-invalid", check: "certificate", vi: "Chứng thư số không hợp lệ.",
                en: "The certificate is invalid: \(problem).")
        }
    }

    static func signingTimeInFuture(_ time: String) -> PacketProblem {
        PacketProblem(
            "signing-time-in-future", check: "certificate", vi: "Thời điểm ký (\(time)) nằm ở tương lai.",
            en: "The signing time \(time) is in the future.")
    }

    static func signerRecordMismatch() -> PacketProblem {
        PacketProblem(
            "signer-record-mismatch", check: "sender", vi: "Chứng thư số ghi trong metadata.json khác chứng thư đã ký.",
            en: "metadata.json names another certificate than the one that signed it.")
    }

    static func signerNotSender(_ code: AgencyCode, subject: String, detail: String) -> PacketProblem {
        PacketProblem(
            "signer-not-sender", check: "sender",
            vi: "Người ký (\(subject)) không phải cơ quan gửi \(code) ghi trong gói tin.",
            en: "The signer (\(subject)) is not the sending agency \(code) the packet names: \(detail).")
    }

    static func revokedByOffice(_ subject: String, since: String, reason: String, signedAt: String) -> PacketProblem {
        PacketProblem(
            "certificate-revoked", check: "certificate",
            vi:
                "Chứng thư số \(subject) đã bị thu hồi từ \(since) (lý do: \(reason)); văn bản được ký lúc \(signedAt), sau thời điểm thu hồi.",
            en:
                "The certificate \(subject) was revoked as of \(since) (\(reason)); the packet was signed at \(signedAt), after that."
        )
    }

    static func senderNotRegistered(_ code: AgencyCode) -> PacketProblem {
        PacketProblem(
            "sender-not-registered", check: "sender", vi: "Cơ quan gửi \(code) chưa được đăng ký trong hệ thống.",
            en: "The sending agency \(code) is not registered in this office.")
    }

    static func payloadChanged(_ name: String) -> PacketProblem {
        PacketProblem(
            "payload-changed", check: "payload", vi: "Nội dung tệp \(name) đã bị thay đổi sau khi ký.",
            en: "The document \(name) was changed after signing (its SHA-256 differs from metadata.json).")
    }

    static func payloadOversized(_ name: String, signed: Int64, found: Int64) -> PacketProblem {
        PacketProblem(
            "payload-oversized", check: "payload",
            vi:
                "Tệp \(name) trong gói tin lớn hơn kích thước đã ký (\(found) byte, metadata.json ghi \(signed) byte); tệp không được mở ra.",
            en:
                "The document \(name) is bigger than its signed size (the packet holds \(found) bytes, metadata.json says \(signed)); it was not extracted."
        )
    }

    static func payloadMissing(_ name: String) -> PacketProblem {
        PacketProblem(
            "payload-missing", check: "payload", vi: "Thiếu tệp \(name) được ghi trong metadata.json.",
            en: "The document \(name) listed in metadata.json is missing.")
    }

    static func payloadUnlisted(_ name: String) -> PacketProblem {
        PacketProblem(
            "payload-unlisted", check: "payload", vi: "Tệp \(name) không được ghi trong metadata.json đã ký.",
            en: "The file \(name) is not listed in the signed metadata.json.")
    }

    static func manifestMalformed(_ name: String) -> PacketProblem {
        PacketProblem("manifest-malformed", check: "bag", vi: "Tệp \(name) sai cấu trúc.", en: "\(name) is malformed.")
    }

    static func manifestMismatch(_ path: String, in manifest: String) -> PacketProblem {
        PacketProblem(
            "manifest-mismatch", check: "bag", vi: "Mã băm của \(path) không khớp với \(manifest).",
            en: "The SHA-256 of \(path) does not match \(manifest).")
    }

    static func manifestIncomplete(_ path: String, in manifest: String) -> PacketProblem {
        PacketProblem(
            "manifest-incomplete", check: "bag", vi: "\(manifest) và nội dung gói tin không khớp nhau ở \(path).",
            en: "\(manifest) and the packet's files disagree about \(path).")
    }

    static func oxumMismatch(expected: String, actual: String) -> PacketProblem {
        PacketProblem(
            "payload-oxum-mismatch", check: "bag", vi: "Payload-Oxum (\(expected)) không khớp với dữ liệu (\(actual)).",
            en: "Payload-Oxum says \(expected) but the payload is \(actual).")
    }
}
