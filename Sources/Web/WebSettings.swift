import Foundation
import Spool

/// How the archive web UI is set up.
public struct WebSettings: Sendable {
    /// The spool whose archive is shown; accounts are in its `state/accounts.sqlite`.
    public var spool: SpoolLayout
    /// Mark the session cookie `Secure`: set when users reach the server over HTTPS (directly or through a TLS
    /// reverse proxy). A request carrying `X-Forwarded-Proto: https` gets a Secure cookie in any case.
    public var secureCookies: Bool
    /// Seconds without a request after which a session ends.
    public var idleTimeout: TimeInterval
    /// Results per search page.
    public var pageSize: Int

    public init(
        spool: SpoolLayout, secureCookies: Bool = false, idleTimeout: TimeInterval = 30 * 60, pageSize: Int = 20
    ) {
        self.spool = spool
        self.secureCookies = secureCookies
        self.idleTimeout = idleTimeout
        self.pageSize = pageSize
    }

    /// The accounts database of `spool`.
    public static func accountsPath(_ spool: SpoolLayout) -> String { spool.state + "/accounts.sqlite" }
}
