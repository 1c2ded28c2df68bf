import Foundation
import Packets

/// An organisation as edXML names it (`From`, `To`, `ResponseFor`'s): its id is kept as written — a code
/// `NNN.NN.NN.Xnn`, an older code (`28.22.H17`) or a VXP systemId (`vxp.saas.03`).
public struct EdXMLOrganization: Sendable, Equatable {
    public let organId: String
    public let organizationInCharge: String?
    public let organName: String?
    public let organAdd: String?
    public let email: String?
    public let telephone: String?
    public let fax: String?
    public let website: String?

    init?(_ node: EdXMLNode?) {
        guard let node, let id = node.value("OrganId") else { return nil }
        organId = id
        organizationInCharge = node.value("OrganizationInCharge")
        organName = node.value("OrganName")
        organAdd = node.value("OrganAdd")
        email = node.value("Email")
        telephone = node.value("Telephone")
        fax = node.value("Fax")
        website = node.value("Website")
    }

    /// The name to show: OrganName, else OrganizationInCharge, else the id.
    public var name: String { organName ?? organizationInCharge ?? organId }
}

/// What `BussinessDocType` says the envelope does.
public enum EdXMLBusiness: Int, Sendable, Equatable {
    case new = 0
    case recall = 1
    case update = 2
    case replace = 3
}

/// A date as edXML writes it: `yyyy/MM/dd`, or `dd/MM/yyyy` (Bkav); the text is kept as it came.
public struct EdXMLDate: Sendable, Equatable {
    public let text: String
    /// The day, when the text is one of the two forms and a real date.
    public let date: CalendarDate?

    init?(_ text: String?) {
        guard let text else { return nil }
        self.text = text
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let first = parts[0], let second = parts[1], let third = parts[2] else {
            date = nil
            return
        }
        // yyyy/MM/dd, or dd/MM/yyyy: the four-digit part says which.
        let yearFirst = text.split(separator: "/")[0].count == 4
        date =
            yearFirst
            ? CalendarDate(year: first, month: second, day: third)
            : CalendarDate(year: third, month: second, day: first)
    }
}

/// A document envelope (`messagetype edoc`), as the header says: who to whom, the document's identity and
/// description, what it does (new, recall, update, replace) and to which earlier document.
public struct EdXMLEnvelope: Sendable {
    public let from: EdXMLOrganization
    public let to: [EdXMLOrganization]
    /// Opaque (`sender,yyyy/MM/dd,number/notation` or a UUID): kept as written, never parsed.
    public let documentId: String
    /// May hold letters (`3232sss`).
    public let codeNumber: String?
    public let codeNotation: String?
    public let place: String?
    public let promulgationDate: EdXMLDate?
    public let documentType: Int?
    public let typeName: String?
    public let subject: String
    public let content: String?
    public let signerCompetence: String?
    public let signerPosition: String?
    public let signerFullName: String?
    public let dueDate: EdXMLDate?
    /// 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.
    public let priority: Int?
    public let pageAmount: Int?
    public let promulgationAmount: Int?
    public let appendixes: [String]
    public let toPlaces: [String]
    /// The earlier documents it answers or acts on (`ResponseFor`): their `DocumentId`s.
    public let responseFor: [String]
    public let business: EdXMLBusiness
    public let businessReason: String?
    /// For a replacement: the documents it replaces (`ReplacementInfo/DocumentId`).
    public let replaces: [String]
    /// The envelope's `Signature`: absent, empty, or present — never verified (every real one is a placeholder).
    public let signature: SignatureState

    public enum SignatureState: String, Sendable {
        case absent
        case empty
        case notVerified = "not-verified"
    }

    /// The envelope of `message`, or why it is not one.
    public init(_ message: EdXMLMessage) throws {
        guard let header = message.messageHeader else { throw EdXMLProblem.missing("MessageHeader") }
        let froms = header.all("From")
        guard froms.count <= 1 else { throw EdXMLProblem.duplicated("From") }
        guard let from = EdXMLOrganization(froms.first) else { throw EdXMLProblem.missing("From/OrganId") }
        self.from = from
        to = header.all("To").compactMap(EdXMLOrganization.init)
        guard !to.isEmpty else { throw EdXMLProblem.missing("To/OrganId") }
        for single in ["DocumentId", "Code", "Subject", "PromulgationInfo", "DocumentType"]
        where header.all(single).count > 1 {
            throw EdXMLProblem.duplicated(single)
        }
        guard let documentId = header.value("DocumentId") else { throw EdXMLProblem.missing("DocumentId") }
        self.documentId = documentId
        guard let subject = header.value("Subject") else { throw EdXMLProblem.missing("Subject") }
        self.subject = subject
        codeNumber = header.value("Code", "CodeNumber")
        codeNotation = header.value("Code", "CodeNotation")
        place = header.value("PromulgationInfo", "Place")
        promulgationDate = EdXMLDate(header.value("PromulgationInfo", "PromulgationDate"))
        documentType = header.value("DocumentType", "Type").flatMap { Int($0) }
        typeName = header.value("DocumentType", "TypeName")
        content = header.value("Content")
        signerCompetence = header.value("SignerInfo", "Competence")
        signerPosition = header.value("SignerInfo", "Position")
        signerFullName = header.value("SignerInfo", "FullName")
        dueDate = EdXMLDate(header.value("DueDate"))
        priority = header.value("OtherInfo", "Priority").flatMap { Int($0) }
        pageAmount = header.value("OtherInfo", "PageAmount").flatMap { Int($0) }
        promulgationAmount = header.value("OtherInfo", "PromulgationAmount").flatMap { Int($0) }
        appendixes = (header.first("OtherInfo")?.first("Appendixes")?.all("Appendix") ?? []).compactMap { $0.value() }
        toPlaces = (header.first("ToPlaces")?.all("Place") ?? []).compactMap { $0.value() }
        responseFor = header.all("ResponseFor").compactMap { $0.value("DocumentId") }
        let businessNode = message.header?.first("TraceHeaderList")?.first("Bussiness")
        let type = businessNode?.value("BussinessDocType").flatMap { Int($0) } ?? 0
        guard let business = EdXMLBusiness(rawValue: type) else {
            throw EdXMLProblem(
                "edxml-business-type", vi: "BussinessDocType \(type) không được hỗ trợ (0–3).",
                en: "BussinessDocType \(type) is not one of 0–3.")
        }
        self.business = business
        businessReason = businessNode?.value("BussinessDocReason")
        replaces = (businessNode?.first("ReplacementInfoList")?.all("ReplacementInfo") ?? []).compactMap {
            $0.value("DocumentId")
        }
        if let node = message.header?.children.first(where: { $0.name == "Signature" }) {
            let blank = node.children.isEmpty && node.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            signature = blank ? .empty : .notVerified
        } else {
            signature = .absent
        }
    }
}

/// A status message (`messagetype status`): what the other side says about a document.
public struct EdXMLStatus: Sendable {
    public let from: EdXMLOrganization
    /// The answered document's `DocumentId`, as this office wrote it when it sent it.
    public let documentId: String
    public let responseForOrganId: String?
    public let responseForCode: String?
    /// Two digits: 01–06, 13, 15, 16.
    public let code: String
    public let description: String?
    public let timestamp: String?
    public let staffDepartment: String?
    public let staff: String?

    public static let codes: Set<String> = ["01", "02", "03", "04", "05", "06", "13", "15", "16"]

    public init(_ message: EdXMLMessage) throws {
        guard let header = message.messageHeader else { throw EdXMLProblem.missing("MessageHeader") }
        guard header.all("From").count <= 1 else { throw EdXMLProblem.duplicated("From") }
        guard let from = EdXMLOrganization(header.first("From")) else { throw EdXMLProblem.missing("From/OrganId") }
        self.from = from
        guard let documentId = header.value("ResponseFor", "DocumentId") else {
            throw EdXMLProblem.missing("ResponseFor/DocumentId")
        }
        self.documentId = documentId
        guard let code = header.value("StatusCode"), Self.codes.contains(code) else {
            throw EdXMLProblem(
                "edxml-status-code", vi: "StatusCode không phải một trong 01–06, 13, 15, 16.",
                en: "StatusCode is not one of 01–06, 13, 15, 16.")
        }
        self.code = code
        responseForOrganId = header.value("ResponseFor", "OrganId")
        responseForCode = header.value("ResponseFor", "Code")
        description = header.value("Description")
        timestamp = header.value("Timestamp")
        staffDepartment = header.value("StaffInfo", "Department")
        staff = header.value("StaffInfo", "Staff")
    }

    /// Whether `message` is a status message (its header has a StatusCode and no document of its own).
    public static func isStatus(_ message: EdXMLMessage) -> Bool {
        message.messageHeader?.first("StatusCode") != nil
    }
}
