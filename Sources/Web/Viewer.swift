import Accounts
import Foundation
import Ledger
import Packets
import Spool

/// What one account may see of the archive (Decision 17/2019 Art 5.1, 11.1; Decree 30/2020 on secret documents).
struct Viewer: Sendable {
    let account: Account
    /// The agencies whose records the clerk's agency holds: itself and those it succeeded (Circular 06/2025/TT-BNV:
    /// the records of a merged or dissolved agency go to its successor).
    let agencies: [String]

    /// The viewer `account` is, with the agencies its agency succeeded as the spool says now.
    init(account: Account, spool: SpoolLayout) {
        self.account = account
        guard account.role == .clerk, let agency = account.agency else {
            agencies = account.agency.map { [$0] } ?? []
            return
        }
        var held = [agency]
        if let code = AgencyCode(agency), let directory = try? AgencyDirectory.load(spool) {
            held += directory.predecessors(of: code, at: Date()).map(\.rawValue)
        }
        agencies = held
    }

    /// A clerk's agencies: only packets they sent or received. An archivist or admin sees every agency's.
    var agencyScope: [String]? {
        account.role == .clerk ? agencies : nil
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
        if let scope = agencyScope, !scope.contains(hit.sender), !hit.recipients.contains(where: scope.contains) {
            return false
        }
        if let secrecy = hit.secrecy, !allowedSecrecy.contains(secrecy) { return false }
        return true
    }
}
