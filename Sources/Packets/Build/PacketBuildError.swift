import Archiving
import DurableIO
import Signing

/// Why a packet could not be built; `issue` tells a clerk, in Vietnamese then English, what to do.
public enum PacketBuildError: Error, Sendable, CustomStringConvertible {
    /// The clerk's sidecar (or the recipients against the sender) was refused.
    case sidecar(SidecarRejection)
    /// No document was given.
    case noDocuments
    /// A document's name cannot travel to Windows and Linux shares.
    case badFileName(String, NameProblem)
    /// Two documents would have the same name on a Windows share.
    case duplicateFileName(String)
    /// A document could not be read.
    case unreadable(FileError)
    /// A document is not a regular file (a FIFO, a device, a folder, a link).
    case notRegularFile(String)
    /// A document changed while it was packed (a clerk still copying it).
    case changedWhilePacking(String)
    /// Signing failed (key, certificate).
    case signing(String)
    /// The archive could not be written.
    case archive(ArchiveError)
    /// The output could not be written.
    case output(FileError)

    public var description: String {
        switch self {
        case .sidecar(let rejection): "the sidecar is invalid: \(rejection)"
        case .noDocuments: "no document to pack"
        case .badFileName(let name, let problem): "document name \(name): \(problem)"
        case .duplicateFileName(let name):
            "two documents are named \(name) (names are compared as Windows does, ignoring case)"
        case .unreadable(let error): "cannot read a document: \(error)"
        case .notRegularFile(let path): "\(path) is not a regular file"
        case .changedWhilePacking(let path): "\(path) changed while it was being packed"
        case .signing(let message): "cannot sign: \(message)"
        case .archive(let error): "cannot write the packet: \(error)"
        case .output(let error): "cannot write the packet: \(error)"
        }
    }

    /// The problems in a clerk's words.
    public var issues: [ClerkIssue] {
        switch self {
        case .sidecar(let rejection): return rejection.issues
        case .noDocuments:
            return [
                issue(
                    vi: "Không có tệp văn bản nào đi kèm tệp mô tả.", en: "There is no document next to the sidecar.",
                    doVi: "Đặt tệp văn bản (PDF, DOCX …) cùng tên với tệp mô tả vào thư mục outbox.",
                    doEn: "Put the document (PDF, DOCX …) with the same name as the sidecar into outbox.")
            ]
        case .badFileName(let name, let problem):
            return [
                issue(
                    vi: "Tên tệp \"\(name)\" không dùng được: \(Self.vietnamese(problem)).",
                    en: "The file name \"\(name)\" cannot be used: \(problem).",
                    doVi: "Đổi tên tệp (bỏ ký tự đặc biệt, tên ngắn hơn 255 byte), rồi gửi lại.",
                    doEn: "Rename the file (no special characters, under 255 bytes), then send it again.")
            ]
        case .duplicateFileName(let name):
            return [
                issue(
                    vi: "Có hai tệp cùng tên \"\(name)\" (không phân biệt chữ hoa, chữ thường).",
                    en: "Two files are named \"\(name)\" (ignoring case).",
                    doVi: "Đổi tên một trong hai tệp.", doEn: "Rename one of them.")
            ]
        case .unreadable(let error):
            return [
                issue(
                    vi: "Không đọc được tệp \(error.path).", en: "The file \(error.path) cannot be read: \(error).",
                    doVi: "Kiểm tra tệp có mở được không và quyền đọc tệp, rồi đặt lại.",
                    doEn: "Check that the file opens and is readable, then put it back.")
            ]
        case .notRegularFile(let path):
            return [
                issue(
                    vi: "\(path) không phải là tệp thông thường (là liên kết, thư mục đặc biệt hoặc thiết bị).",
                    en: "\(path) is not a regular file (a link, a special folder or a device).",
                    doVi: "Chỉ đặt tệp văn bản thật vào thư mục outbox, không đặt lối tắt (shortcut).",
                    doEn: "Put real files into outbox, not shortcuts or links.")
            ]
        case .changedWhilePacking(let path):
            return [
                issue(
                    vi: "Tệp \(path) thay đổi trong khi đang đóng gói.",
                    en: "The file \(path) changed while it was packed.",
                    doVi: "Chờ sao chép xong rồi đặt lại tệp.",
                    doEn: "Wait until copying has finished, then put the file back.")
            ]
        case .signing(let message):
            return [
                issue(
                    vi: "Không ký số được gói tin: \(message).", en: "The packet could not be signed: \(message).",
                    doVi: "Báo quản trị viên kiểm tra khóa và chứng thư số của cơ quan.",
                    doEn: "Ask the administrator to check the agency's key and certificate.")
            ]
        case .archive, .output:
            return [
                issue(
                    vi: "Không ghi được gói tin.", en: "The packet could not be written: \(description).",
                    doVi: "Báo quản trị viên (ổ đĩa có thể đầy).",
                    doEn: "Tell the administrator (the disk may be full).")
            ]
        }
    }

    private func issue(vi: String, en: String, doVi: String, doEn: String) -> ClerkIssue {
        ClerkIssue(field: nil, problem: Bilingual(vi: vi, en: en), action: Bilingual(vi: doVi, en: doEn))
    }

    static func vietnamese(_ problem: NameProblem) -> String {
        switch problem {
        case .empty: "tên trống"
        case .notUTF8: "tên không mã hóa UTF-8"
        case .dotName: "tên là . hoặc .."
        case .tooLong(let bytes): "tên dài \(bytes) byte (tối đa 255)"
        case .controlCharacter(let scalar): "tên chứa ký tự điều khiển \(scalar)"
        case .reservedCharacters(let characters):
            characters.count == 1
                ? "tên chứa ký tự “\(characters[0])” mà Windows không cho phép dùng trong tên tệp"
                : "tên chứa các ký tự \(PortableName.list(characters)) mà Windows không cho phép dùng trong tên tệp"
        case .windowsReservedName(let name): "\(name) là tên thiết bị dành riêng của Windows"
        case .trailingDotOrSpace: "tên kết thúc bằng dấu chấm hoặc khoảng trắng"
        case .percentLineBreak(let sequence): "tên chứa “\(sequence)”, mà các công cụ BagIt đọc thành dấu xuống dòng"
        }
    }
}
