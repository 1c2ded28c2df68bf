import Accounts
import Ledger
import Packets

/// What one account may see of the archive (Decision 17/2019 Art 5.1, 11.1; Decree 30/2020 on secret documents).
struct Viewer: Sendable {
    let account: Account

    /// A clerk's agency: only packets it sent or received. An archivist or admin sees every agency's.
    var agencyScope: String? {
        account.role == .clerk ? (account.agency ?? "") : nil
    }

    /// The secrecy levels granted; documents without a level are open to every role.
    var allowedSecrecy: Set<String> { Set(account.grants.map(\.rawValue)) }

    /// `query` restricted to what this account may see.
    func scoped(_ query: ArchiveQuery) -> ArchiveQuery {
        var query = query
        query.agencyScope = agencyScope
        query.allowedSecrecy = allowedSecrecy
        return query
    }

    /// Whether this account may see the packet: the same rules as `scoped`, for a packet asked for by its id.
    func canSee(_ hit: ArchiveHit) -> Bool {
        if let scope = agencyScope, hit.sender != scope, !hit.recipients.contains(scope) { return false }
        if let secrecy = hit.secrecy, !allowedSecrecy.contains(secrecy) { return false }
        return true
    }
}
