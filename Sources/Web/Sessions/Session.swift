import Foundation

/// A browser's session: kept on the server, named by a random 256-bit id held in an HttpOnly cookie.
public struct Session: Sendable, Equatable {
    /// The cookie's value.
    public let id: String
    /// The token every form of this session carries (CSRF).
    public let csrfToken: String
    /// The signed-in account's name; nil before signing in (the login form has a session for its CSRF token).
    public let user: String?
    /// The last request seen: a session idle for longer than the store's limit is gone.
    public var lastSeen: Date
    /// When it was opened: a change of the account's password, grants or state since ends it.
    public let openedAt: Date
}
