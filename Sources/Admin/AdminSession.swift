import DurableIO
import Foundation
import Ledger
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// What every admin command works with: the spool, the office's settings, who acts and why, whether to change
/// anything at all, and where to say what it does.
public struct AdminSession: Sendable {
    public let spool: SpoolLayout
    public let config: OfficeConfig
    /// Who acts: the system user running the command (`root (sudo: an)` under sudo).
    public let actor: String
    /// Why (`--reason`), as the admin wrote it.
    public let reason: String
    /// Print what would change, change nothing.
    public let dryRun: Bool
    public let now: @Sendable () -> Date
    /// Where the command's lines go (stdout for the CLI).
    public let say: @Sendable (String) -> Void

    public init(
        spool: SpoolLayout, config: OfficeConfig, actor: String = AdminSession.systemUser(), reason: String,
        dryRun: Bool, now: @escaping @Sendable () -> Date = { Date() }, say: @escaping @Sendable (String) -> Void
    ) {
        self.spool = spool
        self.config = config
        self.actor = actor
        self.reason = reason.precomposedNFC
        self.dryRun = dryRun
        self.now = now
        self.say = say
    }

    public var timeZone: TimeZone { config.calendar.timeZone }

    /// What the journal says when no `--reason` was given.
    public static let noReason = "(không nêu lý do — no reason given)"

    /// The agencies as their files say now.
    public func directory() throws -> AgencyDirectory { try AgencyDirectory.load(spool) }

    /// Appends an admin record of this session (who, why) for `action` on `target`.
    public func journalAdmin(action: String, target: String, details: JSONValue) throws {
        try journal().append(.admin(action: action, by: actor, reason: reason, target: target, details: details))
    }

    /// The journal, opened for appending (with `--dry-run`, only for reading: a torn tail is not cut).
    func journal() throws -> Journal {
        if dryRun { return try Journal(path: spool.state + "/journal.jsonl", timeZone: timeZone, repairing: false) }
        try FileSystem.makeDirectory(RawPath(spool.state), mode: 0o700)
        return try Journal(path: spool.state + "/journal.jsonl", timeZone: timeZone, clock: now)
    }

    /// The index, caught up with the journal. With `--dry-run` it is a private copy in a temporary folder (removed
    /// when the command exits), caught up there: the office's own index is only read.
    public func index() throws -> LedgerIndex {
        let journal = try journal()
        let path = spool.state + "/index.sqlite"
        let index =
            dryRun
            ? try LedgerIndex.privateCopy(of: path, at: try ScratchFolder.make() + "/index.sqlite")
            : try LedgerIndex(path: path)
        try index.catchUp(with: journal)
        return index
    }

    /// The user the command runs as, and the one who called sudo when it ran under sudo.
    public static func systemUser() -> String {
        let uid = geteuid()
        var name = "uid \(uid)"
        if let entry = getpwuid(uid), let login = entry.pointee.pw_name { name = String(cString: login) }
        if let sudo = ProcessInfo.processInfo.environment["SUDO_USER"], !sudo.isEmpty, sudo != name {
            name += " (sudo: \(sudo))"
        }
        return name
    }
}
