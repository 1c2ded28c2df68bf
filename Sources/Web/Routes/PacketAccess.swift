import Accounts
import Hummingbird
import Ledger
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
        guard let record = try await Blocking.run({ try desk.index.record(id) }), Viewer(account: account).canSee(record.hit) else {
            throw Self.notFound
        }
        return record
    }

    static let notFound = HTTPError(.notFound, message: "Không tìm thấy văn bản — no such packet")

    /// Decree 30/2020 App. VI: every view or download of a secret document is written to the journal, before the
    /// document is shown.
    func recordAccess(_ record: ArchiveRecord, action: String, file: String?, _ context: WebContext) async throws {
        guard let secrecy = record.hit.secrecy, let account = context.account else { return }
        var fields: [(String, JSONValue)] = [
            ("user", .string(account.name)), ("role", .string(account.role.rawValue)), ("packetId", .string(record.hit.packetId)),
            ("secrecy", .string(secrecy)), ("action", .string(action)),
        ]
        if let file { fields.append(("file", .string(file))) }
        let journal = services.journal
        let event = JournalEvent("accessed", fields)
        _ = try await Blocking.run { try journal.append(event) }
    }
}
