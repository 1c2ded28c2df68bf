import Foundation
import Packets

/// One person who may sign in to the archive web UI.
public struct Account: Sendable, Equatable {
    /// The login name (unique).
    public let name: String
    public let role: Role
    /// The agency code a clerk belongs to (required for clerks).
    public let agency: String?
    /// The secrecy levels this person may see (Decree 30/2020: secret documents need an explicit grant).
    public let grants: Set<Secrecy>
    /// A disabled account cannot sign in and loses its open sessions.
    public let disabled: Bool
    /// When the account was made (ISO 8601, UTC).
    public let createdAt: String
    /// When its password, grants or enabled state last changed (ISO 8601, UTC): sessions opened before end.
    public let credentialsChangedAt: String

    public init(
        name: String, role: Role, agency: String?, grants: Set<Secrecy>, disabled: Bool, createdAt: String,
        credentialsChangedAt: String = ""
    ) {
        self.name = name
        self.role = role
        self.agency = agency
        self.grants = grants
        self.disabled = disabled
        self.createdAt = createdAt
        self.credentialsChangedAt = credentialsChangedAt
    }

    /// Whether a session opened at `opened` predates a change of credentials.
    public func outdates(_ opened: Date) -> Bool {
        guard let changed = Self.date(credentialsChangedAt) else { return false }
        return opened < changed
    }

    /// An instant as the accounts database keeps it: ISO 8601, UTC, with milliseconds.
    public static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Reads `stamp`'s format (and the older one without milliseconds).
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// The grants in the order of the levels, as their contract words (`mat,toi-mat`).
    public var grantList: String { grants.sorted().map(\.rawValue).joined(separator: ",") }
}
