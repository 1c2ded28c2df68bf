import Accounts
import Archivist
import Foundation
import Ledger
import Logging

/// What the routes share: the archive, the accounts, the sessions, the journal, the pages.
public struct WebServices: Sendable {
    let settings: WebSettings
    let desk: ArchiveDesk
    let accounts: AccountStore
    let sessions: SessionStore
    let throttle: LoginThrottle
    let journal: Journal
    let pages: Pages
    let freshness: Freshness

    /// Opens the spool's archive (bringing its index up to date), accounts and journal, and loads the templates.
    public init(settings: WebSettings, accounts: AccountStore? = nil, throttle: LoginThrottle = LoginThrottle()) throws {
        self.settings = settings
        desk = try ArchiveDesk(spool: settings.spool)
        self.accounts = try accounts ?? AccountStore(path: WebSettings.accountsPath(settings.spool))
        sessions = SessionStore(idleTimeout: settings.idleTimeout)
        self.throttle = throttle
        journal = try Journal(path: settings.spool.state + "/journal.jsonl")
        pages = try Pages(spool: settings.spool)
        freshness = Freshness()
    }

    /// Brings the catalog up to date with packets archived since (at most every few seconds).
    func refreshArchive() async throws {
        guard await freshness.due() else { return }
        let desk = self.desk
        try await Blocking.run { try desk.refresh() }
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
