import Accounts
import Archivist
import Foundation
import Ledger
import Logging
import NIOPosix

/// What the routes share: the archive (and through it the journal), the accounts, the sessions, the pages.
public struct WebServices: Sendable {
    let settings: WebSettings
    let desk: ArchiveDesk
    let accounts: AccountStore
    let sessions: SessionStore
    let throttle: LoginThrottle
    let pages: Pages
    let freshness: Freshness

    /// Opens the spool's archive (bringing its index up to date) and accounts, and loads the templates.
    public init(settings: WebSettings, accounts: AccountStore? = nil, throttle: LoginThrottle = LoginThrottle()) throws
    {
        self.settings = settings
        desk = try ArchiveDesk(spool: settings.spool)
        self.accounts = try accounts ?? AccountStore(path: WebSettings.accountsPath(settings.spool))
        sessions = SessionStore(idleTimeout: settings.idleTimeout)
        self.throttle = throttle
        pages = try Pages(spool: settings.spool)
        freshness = Freshness()
    }

    /// Brings the catalog up to date with packets archived since (at most every few seconds).
    func refreshArchive() async throws {
        guard await freshness.due() else { return }
        let desk = self.desk
        try await NIOThreadPool.singleton.runIfActive { try desk.refresh() }
    }
}

/// Limits how often the catalog is refreshed: a search right after another does not rescan the archive.
actor Freshness {
    private var last: Date = .distantPast
    private let interval: TimeInterval = 2

    func due() -> Bool {
        let now = Date()
        guard now.timeIntervalSince(last) >= interval else { return false }
        last = now
        return true
    }
}
