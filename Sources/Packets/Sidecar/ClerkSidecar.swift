/// The fields a clerk gives for a document, validated and normalised to NFC (DESIGN.md, "Clerk input").
public struct ClerkSidecar: Sendable, Equatable {
    /// Số: the document's number in its agency's yearly series (Decree 30/2020 Art 15).
    public var codeNumber: String
    /// Ký hiệu: the notation, `QĐ-UBND`.
    public var codeNotation: String
    /// Ngày ban hành.
    public var issuedDate: CalendarDate
    /// Tên loại: `Quyết định`, `Công văn` …
    public var typeName: String
    /// Trích yếu nội dung.
    public var subject: String
    /// Người ký.
    public var signerInfo: SignerInfo?
    /// Nơi nhận: recipient agencies, in the clerk's order, without repeats.
    public var to: [AgencyCode]
    /// Độ khẩn.
    public var priority: Priority
    /// Độ mật, when the document is classified.
    public var secrecy: Secrecy?
    /// Hạn xử lý.
    public var dueDate: CalendarDate?
    /// Further Decree 30 App. VI fields (pageAmount, language, description …), validated, in a stable order.
    public var extra: [(String, JSONValue)]

    public init(
        codeNumber: String, codeNotation: String, issuedDate: CalendarDate, typeName: String, subject: String,
        signerInfo: SignerInfo? = nil, to: [AgencyCode], priority: Priority = .thuong, secrecy: Secrecy? = nil,
        dueDate: CalendarDate? = nil, extra: [(String, JSONValue)] = []
    ) {
        self.codeNumber = codeNumber
        self.codeNotation = codeNotation
        self.issuedDate = issuedDate
        self.typeName = typeName
        self.subject = subject
        self.signerInfo = signerInfo
        self.to = to
        self.priority = priority
        self.secrecy = secrecy
        self.dueDate = dueDate
        self.extra = extra
    }

    /// Số, ký hiệu as written on the document: `125/QĐ-UBND`.
    public var numberAndNotation: String { "\(codeNumber)/\(codeNotation)" }

    public static func == (lhs: ClerkSidecar, rhs: ClerkSidecar) -> Bool {
        lhs.codeNumber == rhs.codeNumber && lhs.codeNotation == rhs.codeNotation && lhs.issuedDate == rhs.issuedDate
            && lhs.typeName == rhs.typeName && lhs.subject == rhs.subject && lhs.signerInfo == rhs.signerInfo
            && lhs.to == rhs.to && lhs.priority == rhs.priority && lhs.secrecy == rhs.secrecy
            && lhs.dueDate == rhs.dueDate
            && lhs.extra.count == rhs.extra.count
            && zip(lhs.extra, rhs.extra).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
