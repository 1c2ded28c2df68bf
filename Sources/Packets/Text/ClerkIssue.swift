/// One thing wrong with a clerk's input (a sidecar, a file, packet metadata read back), told so a clerk can fix it.
public struct ClerkIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The field at fault (`to`, `signerInfo.fullName`, `to[2]`), or nil for the file as a whole.
    public let field: String?
    /// What is wrong.
    public let problem: Bilingual
    /// What to do about it.
    public let action: Bilingual

    public init(field: String?, problem: Bilingual, action: Bilingual) {
        self.field = field
        self.problem = problem
        self.action = action
    }

    public var description: String {
        (field.map { "\($0): " } ?? "") + problem.en
    }
}

/// A sidecar that cannot be used, with every issue found in it (not just the first).
public struct SidecarRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Everything wrong, in the order of the fields.
    public let issues: [ClerkIssue]
    /// The well-formed recipient codes the sidecar gave despite its problems, so that the office can say at once
    /// which of them it does not know (one pass, every problem).
    public let recipients: [AgencyCode]
    /// The issue date, when it could be read.
    public let issuedDate: CalendarDate?

    public init(_ issues: [ClerkIssue], recipients: [AgencyCode] = [], issuedDate: CalendarDate? = nil) {
        self.issues = issues
        self.recipients = recipients
        self.issuedDate = issuedDate
    }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
