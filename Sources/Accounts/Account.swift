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

    public init(name: String, role: Role, agency: String?, grants: Set<Secrecy>, disabled: Bool, createdAt: String) {
        self.name = name
        self.role = role
        self.agency = agency
        self.grants = grants
        self.disabled = disabled
        self.createdAt = createdAt
    }

    /// The grants in the order of the levels, as their contract words (`mat,toi-mat`).
    public var grantList: String { grants.sorted().map(\.rawValue).joined(separator: ",") }
}
