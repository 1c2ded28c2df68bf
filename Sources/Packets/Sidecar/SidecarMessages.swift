/// The clerk-facing texts of sidecar problems: Vietnamese, then English, then what to do.
enum SidecarMessages {
    static func issue(_ field: String?, vi: String, en: String, doVi: String, doEn: String) -> ClerkIssue {
        ClerkIssue(field: field, problem: Bilingual(vi: vi, en: en), action: Bilingual(vi: doVi, en: doEn))
    }

    static func named(_ field: String) -> String { "`\(field)` (\(SidecarField.vietnameseName(field)))" }

    static func syntax(_ error: JSONSyntaxError) -> ClerkIssue {
        issue(
            nil,
            vi: "Tệp mô tả không phải JSON hợp lệ: dòng \(error.line), cột \(error.column): \(error.vietnamese).",
            en: "The sidecar is not valid JSON: line \(error.line), column \(error.column): \(error.english).",
            doVi: "Sửa tệp tại vị trí đã nêu (có thể dùng một trình kiểm tra JSON), rồi đặt lại vào thư mục outbox.",
            doEn: "Fix the file at that position (a JSON checker helps), then put it back into outbox.")
    }

    static func notUTF8(offset: Int) -> ClerkIssue {
        issue(
            nil,
            vi:
                "Tệp mô tả không được lưu bằng bảng mã UTF-8 (byte thứ \(offset + 1) không phải UTF-8): có lẽ tệp được lưu bằng bảng mã cũ như Windows-1258, TCVN3 (ABC) hoặc VNI, nên hệ thống không đọc đúng được chữ tiếng Việt.",
            en:
                "The sidecar is not saved as UTF-8 (byte \(offset + 1) is not UTF-8): it was probably saved in an old code page such as Windows-1258, TCVN3 (ABC) or VNI, so its Vietnamese text cannot be read reliably.",
            doVi:
                "Mở tệp mô tả bằng Notepad, chọn File › Save As…, ở mục Encoding chọn UTF-8, lưu lại, rồi đặt tệp vào outbox. Nếu chữ tiếng Việt hiện sai, gõ lại bằng bộ gõ Unicode (Unikey: bảng mã Unicode).",
            doEn:
                "Open the sidecar in Notepad, choose File › Save As…, set Encoding to UTF-8, save, and put it into outbox. If the Vietnamese text looks garbled, retype it with a Unicode input method (Unikey: Unicode charset)."
        )
    }

    static func utf16WithoutMark() -> ClerkIssue {
        issue(
            nil,
            vi:
                "Tệp mô tả được lưu bằng bảng mã UTF-16 nhưng thiếu dấu thứ tự byte (BOM), nên không biết chắc cách đọc.",
            en: "The sidecar is saved as UTF-16 without a byte order mark, so how to read it is not certain.",
            doVi:
                "Mở tệp mô tả bằng Notepad, chọn File › Save As…, ở mục Encoding chọn UTF-8, lưu lại, rồi đặt tệp vào outbox.",
            doEn:
                "Open the sidecar in Notepad, choose File › Save As…, set Encoding to UTF-8, save, and put it into outbox."
        )
    }

    static func numberWithNotation(_ value: String, number: String, notation: String, givenNotation: String?)
        -> ClerkIssue
    {
        let notationHint: (vi: String, en: String)
        switch givenNotation {
        case nil, "":
            notationHint = (
                " và thêm \"codeNotation\": \"\(notation)\"", " and add \"codeNotation\": \"\(notation)\""
            )
        case notation:
            notationHint = (
                " (ký hiệu \"\(notation)\" đã có trong `codeNotation`)",
                " (the notation \"\(notation)\" is already in `codeNotation`)"
            )
        default:
            notationHint = (
                "; kiểm tra `codeNotation` (đang là \"\(givenNotation ?? "")\", còn trong số văn bản lại ghi \"\(notation)\")",
                "; check `codeNotation` (it says \"\(givenNotation ?? "")\", the number's field says \"\(notation)\")"
            )
        }
        return issue(
            "codeNumber",
            vi:
                "Số văn bản \"\(value)\" ghi cả số và ký hiệu: trường `codeNumber` (số) chỉ gồm chữ số, ký hiệu ghi riêng ở trường `codeNotation` (ký hiệu).",
            en:
                "The document number \"\(value)\" holds both the number and the notation: `codeNumber` is digits only, the notation goes in `codeNotation`.",
            doVi: "Ghi \"codeNumber\": \"\(number)\"\(notationHint.vi).",
            doEn: "Write \"codeNumber\": \"\(number)\"\(notationHint.en).")
    }

    static func tooLarge(bytes: Int, limit: Int) -> ClerkIssue {
        issue(
            nil,
            vi: "Tệp mô tả quá lớn (\(bytes) byte, tối đa \(limit) byte).",
            en: "The sidecar is too large (\(bytes) bytes, at most \(limit)).",
            doVi: "Tệp mô tả chỉ chứa thông tin văn bản; nội dung văn bản đặt trong tệp riêng.",
            doEn: "The sidecar holds only the document's details; put the content in its own file.")
    }

    static func notObject(found: String) -> ClerkIssue {
        issue(
            nil,
            vi: "Tệp mô tả phải là một đối tượng JSON { … }, nhưng lại là \(found).",
            en: "The sidecar must be a JSON object { … }, not a \(found).",
            doVi: "Dùng mẫu tệp mô tả trong hướng dẫn (README).", doEn: "Start from the example sidecar in the README.")
    }

    static func missing(_ field: String) -> ClerkIssue {
        issue(
            field,
            vi: "Thiếu trường \(named(field)).",
            en: "The field `\(field)` is missing.",
            doVi: "Thêm trường `\(field)` vào tệp mô tả.", doEn: "Add `\(field)` to the sidecar.")
    }

    static func wrongType(_ field: String, expectedVi: String, expectedEn: String, found: String) -> ClerkIssue {
        issue(
            field,
            vi: "Trường \(named(field)) phải là \(expectedVi), nhưng lại là \(found).",
            en: "The field `\(field)` must be \(expectedEn), not a \(found).",
            doVi: "Sửa giá trị của trường `\(field)`.", doEn: "Correct the value of `\(field)`.")
    }

    static func empty(_ field: String) -> ClerkIssue {
        issue(
            field,
            vi: "Trường \(named(field)) đang để trống.",
            en: "The field `\(field)` is empty.",
            doVi: "Điền nội dung cho trường `\(field)`.", doEn: "Fill in `\(field)`.")
    }

    static func tooLong(_ field: String, count: Int, limit: Int) -> ClerkIssue {
        issue(
            field,
            vi: "Trường \(named(field)) quá dài (\(count) ký tự, tối đa \(limit)).",
            en: "The field `\(field)` is too long (\(count) characters, at most \(limit)).",
            doVi: "Rút gọn nội dung trường `\(field)`.", doEn: "Shorten `\(field)`.")
    }

    static func controlCharacter(_ field: String, _ scalar: Unicode.Scalar) -> ClerkIssue {
        let lineBreak = scalar == "\n" || scalar == "\r"
        return issue(
            field,
            vi: lineBreak
                ? "Trường \(named(field)) có dấu xuống dòng."
                : "Trường \(named(field)) chứa ký tự điều khiển \(scalar.codePoint).",
            en: lineBreak
                ? "The field `\(field)` contains a line break."
                : "The field `\(field)` contains the control character \(scalar.codePoint).",
            doVi: lineBreak
                ? "Viết trường `\(field)` trên một dòng."
                : "Gõ lại trường `\(field)` (ký tự này thường do sao chép từ văn bản khác).",
            doEn: lineBreak
                ? "Write `\(field)` on one line."
                : "Retype `\(field)` (such characters usually come from copy and paste).")
    }

    static func badDate(_ field: String, _ value: String) -> ClerkIssue {
        issue(
            field,
            vi: "Trường \(named(field)) có giá trị \"\(value)\" không phải ngày hợp lệ dạng NĂM-THÁNG-NGÀY.",
            en: "The field `\(field)` is \"\(value)\", not a valid date written YYYY-MM-DD.",
            doVi: "Ghi ngày theo dạng 2026-11-24 (năm-tháng-ngày).", doEn: "Write the date like 2026-11-24.")
    }

    static func dueBeforeIssued(due: CalendarDate, issued: CalendarDate) -> ClerkIssue {
        issue(
            "dueDate",
            vi: "Hạn xử lý \(due.vietnamese) sớm hơn ngày ban hành \(issued.vietnamese).",
            en: "The due date \(due) is before the issued date \(issued).",
            doVi: "Kiểm tra lại trường `dueDate` và `issuedDate`.", doEn: "Check `dueDate` and `issuedDate`.")
    }

    static func badAgencyCode(_ field: String, _ value: String) -> ClerkIssue {
        issue(
            field,
            vi: "Mã định danh \"\(value)\" không đúng dạng NNN.NN.NN.Xnn (ví dụ 000.00.01.H53).",
            en: "\"\(value)\" is not an agency code of the form NNN.NN.NN.Xnn (for example 000.00.01.H53).",
            doVi: "Ghi đúng mã định danh của cơ quan nhận (13 ký tự).",
            doEn: "Give the recipient agency's 13-character code.")
    }

    static func duplicateRecipient(_ field: String, _ code: AgencyCode) -> ClerkIssue {
        issue(
            field,
            vi: "Nơi nhận \(code) được ghi hai lần.",
            en: "The recipient \(code) is listed twice.",
            doVi: "Bỏ mã trùng trong trường `to`.", doEn: "Remove the repeated code from `to`.")
    }

    static func noRecipients() -> ClerkIssue {
        issue(
            "to",
            vi: "Trường `to` (nơi nhận) không có cơ quan nào.",
            en: "The field `to` (recipients) lists no agency.",
            doVi: "Ghi ít nhất một mã cơ quan nhận.", doEn: "List at least one recipient agency code.")
    }

    static func tooManyRecipients(count: Int, limit: Int) -> ClerkIssue {
        issue(
            "to",
            vi: "Trường `to` (nơi nhận) có \(count) cơ quan, tối đa \(limit).",
            en: "The field `to` lists \(count) agencies, at most \(limit).",
            doVi: "Chia thành nhiều lần gửi.", doEn: "Send in several batches.")
    }

    static func recipientIsSender(_ code: AgencyCode) -> ClerkIssue {
        issue(
            "to",
            vi: "Nơi nhận \(code) chính là cơ quan gửi.",
            en: "The recipient \(code) is the sending agency itself.",
            doVi: "Bỏ mã của cơ quan mình khỏi trường `to`; bản lưu được giữ trong kho lưu trữ.",
            doEn: "Remove your own agency from `to`; the archive keeps the office copy.")
    }

    static func badChoice(_ field: String, _ value: String, allowed: [(String, String)]) -> ClerkIssue {
        let list = allowed.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
        return issue(
            field,
            vi: "Trường \(named(field)) có giá trị \"\(value)\" không hợp lệ.",
            en: "The field `\(field)` has the value \"\(value)\", which is not allowed.",
            doVi: "Dùng một trong các giá trị: \(list).", doEn: "Use one of: \(list).")
    }

    static func badCodeNumber(_ value: String) -> ClerkIssue {
        issue(
            "codeNumber",
            vi: "Số văn bản \"\(value)\" phải là chữ số Ả-rập (ví dụ 125 hoặc 05).",
            en: "The document number \"\(value)\" must be written in digits (for example 125 or 05).",
            doVi: "Ghi số văn bản bằng chữ số, không kèm ký hiệu; ký hiệu ghi ở `codeNotation`.",
            doEn: "Write only the digits; the notation goes into `codeNotation`.")
    }

    static func badNotation(_ value: String) -> ClerkIssue {
        issue(
            "codeNotation",
            vi: "Ký hiệu \"\(value)\" chỉ được gồm chữ, số và các dấu - . / & (ví dụ QĐ-UBND).",
            en: "The notation \"\(value)\" may hold only letters, digits and - . / & (for example QĐ-UBND).",
            doVi: "Bỏ khoảng trắng và ký tự lạ khỏi ký hiệu.",
            doEn: "Remove spaces and other characters from the notation.")
    }

    static func badCount(_ field: String, _ found: String) -> ClerkIssue {
        issue(
            field,
            vi: "Trường \(named(field)) phải là số nguyên dương, nhưng lại là \(found).",
            en: "The field `\(field)` must be a positive whole number, not \(found).",
            doVi: "Ghi một số như 3 (không đặt trong dấu ngoặc kép).", doEn: "Write a number such as 3, without quotes."
        )
    }

    static func reserved(_ field: String) -> ClerkIssue {
        issue(
            field,
            vi: "Trường `\(field)` do hệ thống tự ghi, không được đặt trong tệp mô tả.",
            en: "The field `\(field)` is set by the office itself and may not be given in the sidecar.",
            doVi: "Xóa trường `\(field)` khỏi tệp mô tả.", doEn: "Remove `\(field)` from the sidecar.")
    }

    static func probableTypo(_ field: String, meant: String) -> ClerkIssue {
        issue(
            field,
            vi: "Không có trường `\(field)`; có phải là \(named(meant))?",
            en: "There is no field `\(field)`; did you mean `\(meant)`?",
            doVi: "Sửa tên trường thành `\(meant)`.", doEn: "Rename the field to `\(meant)`.")
    }

    static func unknownSubfield(_ field: String, allowed: [String]) -> ClerkIssue {
        issue(
            field,
            vi: "Không có trường `\(field)`.",
            en: "There is no field `\(field)`.",
            doVi: "Chỉ dùng các trường: \(allowed.joined(separator: ", ")).",
            doEn: "Use only: \(allowed.joined(separator: ", ")).")
    }

    static func notNFCName(_ field: String) -> ClerkIssue {
        issue(
            field,
            vi: "Tên trường `\(field)` chứa ký tự không hợp lệ.",
            en: "The field name `\(field)` contains characters that are not allowed.",
            doVi: "Chỉ dùng chữ cái Latinh không dấu cho tên trường.", doEn: "Use plain Latin letters for field names.")
    }
}
