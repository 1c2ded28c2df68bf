import Foundation

/// Why an envelope cannot be read: Vietnamese first, then English, then what the sender should do. Each problem has
/// a code of its own (for the journal, the reason file and tests).
public struct EdXMLProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let vi: String
    public let en: String

    public init(_ code: String, vi: String, en: String) {
        self.code = code
        self.vi = vi
        self.en = en
    }

    public var description: String { "\(vi) / \(en)" }

    static func malformed(_ detail: String, line: Int) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-malformed", vi: "Tệp edXML hỏng hoặc bị cắt (dòng \(line)): \(detail).",
            en: "The edXML file is malformed or cut short (line \(line)): \(detail).")
    }
    static let notEdXML = EdXMLProblem(
        "edxml-not-envelope", vi: "Tệp không phải gói tin edXML (QCVN 102:2016).",
        en: "The file is not an edXML (QCVN 102:2016) message.")
    static func missing(_ element: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-missing-element", vi: "Gói tin edXML thiếu phần tử \(element).",
            en: "The edXML message has no \(element).")
    }
    static func duplicated(_ element: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-duplicated-element", vi: "Phần tử \(element) xuất hiện nhiều lần.",
            en: "\(element) occurs more than once.")
    }
    static func badBase64(_ name: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-bad-base64", vi: "Nội dung tệp đính kèm \(name) không phải base64 hợp lệ.",
            en: "The content of the attachment \(name) is not valid base64.")
    }
    static func unreferenced(_ contentId: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-attachment-unreferenced",
            vi: "Tệp đính kèm \(contentId) không có trong danh mục (edXMLManifest/Reference).",
            en: "The attachment \(contentId) has no Reference in the manifest.")
    }
    static func unattached(_ contentId: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-reference-without-attachment", vi: "Danh mục nêu \(contentId) nhưng không có tệp đính kèm đó.",
            en: "The manifest names \(contentId) but no attachment carries it.")
    }
    static func badName(_ name: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-bad-attachment-name", vi: "Tên tệp đính kèm «\(name)» không dùng được (có / hoặc .., hoặc rỗng).",
            en: "The attachment name «\(name)» cannot be used (it holds / or .., or is empty).")
    }
    static func badZip(_ name: String, _ detail: String) -> EdXMLProblem {
        EdXMLProblem(
            "edxml-bad-zip", vi: "Tệp đính kèm nén \(name) không mở được an toàn: \(detail).",
            en: "The zipped attachment \(name) cannot be opened safely: \(detail).")
    }
    static let doctype = EdXMLProblem(
        "edxml-doctype", vi: "Tệp edXML có khai báo DOCTYPE (không được phép).",
        en: "The edXML file declares a DOCTYPE, which is not allowed.")
    static let headerTooLarge = EdXMLProblem(
        "edxml-header-too-large", vi: "Phần đầu gói tin edXML quá lớn.", en: "The edXML header is too large.")
}
