import Foundation
import Packets

/// How bad a finding is. Errors make `lienthong doctor` exit 1; warnings are printed but alone exit 0.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case ok
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .ok: 0
        case .warning: 1
        case .error: 2
        }
    }
}

/// What a finding says, for admins: Vietnamese first (NFC), English second, and what to do.
///
/// In JSON: `{"vi", "en", "action", "actionEn"}`; `action` is the Vietnamese instruction (admin-facing text is
/// Vietnamese), `actionEn` the same in English.
public struct FindingMessage: Sendable, Equatable, Codable {
    public let vi: String
    public let en: String
    /// What to do, in Vietnamese.
    public let action: String
    /// What to do, in English.
    public let actionEn: String

    public init(_ problem: Bilingual, action: Bilingual) {
        vi = problem.vi
        en = problem.en
        self.action = action.vi
        actionEn = action.en
    }
}

/// One result of one check: a stable kebab-case `code`, a severity, what it is about, and a message.
public struct Finding: Sendable, Equatable, Codable {
    /// A stable, machine-readable id (`key-mode`, `certificate-expiring`, `inbox-missing` …; README lists them).
    public let code: String
    public let severity: Severity
    /// What the finding is about: a spool-relative path (with `:line:column` when known), an agency code, an inbox.
    public let subject: String
    public let message: FindingMessage
    /// The check family that found it (`layout`, `certificates` …); filled in by `Doctor`.
    public internal(set) var check: String

    public init(
        _ code: String, _ severity: Severity, subject: String, vi: String, en: String,
        actionVi: String, actionEn: String
    ) {
        self.code = code
        self.severity = severity
        self.subject = subject
        message = FindingMessage(Bilingual(vi: vi, en: en), action: Bilingual(vi: actionVi, en: actionEn))
        check = ""
    }

    /// A passed check: nothing to do.
    public static func ok(_ code: String, subject: String, vi: String, en: String) -> Finding {
        Finding(code, .ok, subject: subject, vi: vi, en: en, actionVi: "Không cần làm gì.", actionEn: "Nothing to do.")
    }

    enum CodingKeys: String, CodingKey { case code, severity, subject, message, check }
}
