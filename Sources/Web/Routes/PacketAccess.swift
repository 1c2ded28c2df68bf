import Accounts
import Hummingbird
import Ledger
import NIOPosix
import Packets

/// Finding a packet for an account, and recording access to secret documents.
struct PacketAccess {
    let services: WebServices

    /// The packet `id` when the account may see it. Another agency's packet, or a secret one without the grant,
    /// answers 404 exactly as an unknown id does: a guessed URL tells nothing.
    func record(_ id: String?, _ context: WebContext) async throws -> ArchiveRecord {
        guard let account = context.account else { throw HTTPError(.unauthorized) }
        guard let id = id?.removingPercentEncoding, !id.isEmpty else { throw Self.notFound }
        try await services.refreshArchive()
        let desk = services.desk
        guard let record = try await NIOThreadPool.singleton.runIfActive({ try desk.index.record(id) }),
            Viewer(account: account, spool: services.settings.spool).canSee(record.hit)
        else {
            throw Self.notFound
        }
        return record
    }

    static let notFound = HTTPError(.notFound, message: "Không tìm thấy văn bản — no such packet")

    /// Decree 30/2020 App. VI: every view or download of a secret document is written to the journal, before the
    /// document is shown.
    func recordAccess(_ record: ArchiveRecord, action: String, file: String?, _ context: WebContext) async throws {
        guard record.hit.secrecy != nil, let account = context.account else { return }
        let desk = services.desk
        try await NIOThreadPool.singleton.runIfActive {
            try desk.recordAccess(
                record, user: account.name, role: account.role.rawValue, action: action, file: file, via: "web")
        }
    }
}
