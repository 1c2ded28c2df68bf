import DurableIO
import Fallback
import Foundation
import Ledger
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong rotate`: the clerks' `inbox/`, `sent/`, `status/` and `rejected/` keep at their top level only what is
/// recent or not yet handled; the rest moves into dated folders (`<folder>/<YYYY>/<MM>/`, or `<to>/<code>/<folder>/
/// <YYYY>/<MM>/` on another share), so that a folder a clerk opens over SMB stays small.
///
/// An entry is dated by the journal (when it was delivered, filed, answered or returned), never by its file's time;
/// it moves only once it is handled (a delivered copy registered, originals filed, a return recorded) and when
/// nothing in it changed in the last `inUse` (a clerk may be reading or editing it). Each batch of moves is journaled
/// first (`relocated`), then made: a move is one rename on one file system, or a copy proved by SHA-256, renamed into
/// place, then the original removed, across file systems. A crash anywhere leaves moves the journal names and the
/// disk has not finished; `finish` (run first by every rotation, and by the daemon at start) completes them, so
/// every entry ends in exactly one place.
public struct FolderRotation {
    public let session: AdminSession
    /// Entries changed more recently than this are left for the next run.
    public var inUse: TimeInterval = 600
    /// How many moves are journaled (one fsync) and made together.
    public var batchSize = 500

    public init(session: AdminSession) {
        self.session = session
    }

    /// The clerk folders rotated.
    public enum Folder: String, Sendable, CaseIterable {
        case inbox, sent, status, rejected
        /// The office's paper fallback folder: the reports of closed incidents.
        case fallback
    }

    /// One planned move.
    public struct Move: Sendable, Equatable {
        /// nil for the fallback folder, which is the office's.
        public let agency: AgencyCode?
        public let folder: Folder
        public let packetId: String?
        /// Absolute paths.
        public let from: String
        public let to: String
    }

    /// What a rotation did.
    public struct Outcome: Sendable, Equatable {
        public var moved = 0
        public var finished = 0
        /// Agencies whose inbox was left alone this time (an `inbox move` holds it).
        public var skipped: [AgencyCode] = []
        /// The journal's months sealed into segments (with `--dry-run`: those that would be).
        public var sealed: [JournalSeal] = []
    }

    var spool: SpoolLayout { session.spool }

    /// A whole rotation: one at a time (a second one is refused while the first runs), unfinished moves finished,
    /// then the plan printed (`--dry-run`: only that) and made, journaled with one `admin` record (`rotate`).
    public func rotate(agencies: [AgencyCode]?, olderThan: TimeInterval, to base: String?) throws -> Outcome {
        if let base { try Self.checkTarget(base) }
        var outcome = Outcome()
        let lock: FileLock?
        if session.dryRun {
            lock = nil
        } else {
            guard let held = try takeLock() else {
                throw AdminRefusal(
                    vi: "một lần xếp thư mục khác đang chạy.", en: "another rotation is running.",
                    advice: "Chờ nó xong rồi chạy lại — wait for it, then run again.")
            }
            lock = held
        }
        defer { withExtendedLifetime(lock) {} }
        if !session.dryRun { outcome.finished = try finish(try session.index()) }
        let (moves, skipped) = try plan(agencies: agencies, olderThan: olderThan, to: base)
        outcome.skipped = skipped
        let days = Int(olderThan / 86_400)
        session.say(
            "Xếp thư mục — rotate: \(moves.count) mục cũ hơn \(days) ngày vào thư mục theo năm/tháng "
                + "(\(moves.count) entries older than \(days) days into dated folders)")
        for code in skipped {
            session.say(
                "  bỏ qua hộp thư đến của \(code): đang chuyển chỗ (inbox move) — skipped: an inbox move holds it")
        }
        if session.dryRun {
            session.say("--dry-run: nothing changed. Would:")
            for move in moves { session.say("  move \(spool.relative(move.from)) → \(spool.relative(move.to))") }
            if !moves.isEmpty { session.say("  append to the journal: admin rotate, \(moves.count) × relocated") }
            if agencies == nil { outcome.sealed = try sealJournal(olderThan: olderThan) }
            return outcome
        }
        if !moves.isEmpty { try move(moves, olderThan: olderThan, to: base, into: &outcome) }
        // The journal too, when the whole office rotates (its months are the office's, not an agency's).
        if agencies == nil { outcome.sealed = try sealJournal(olderThan: olderThan) }
        return outcome
    }

    private func move(_ moves: [Move], olderThan: TimeInterval, to base: String?, into outcome: inout Outcome) throws {
        let days = Int(olderThan / 86_400)
        var counts: [(String, JSONValue)] = []
        for folder in Folder.allCases {
            counts.append((folder.rawValue, .integer(Int64(moves.filter { $0.folder == folder }.count))))
        }
        let details = JSONValue.object(
            [
                ("olderThanDays", .integer(Int64(days))), ("moves", .integer(Int64(moves.count))),
                ("folders", .object(counts)),
                ("agencies", .array(Set(moves.compactMap(\.agency?.rawValue)).sorted().map(JSONValue.string))),
            ] + (base.map { [("to", JSONValue.string($0))] } ?? []))
        outcome.moved = try run(moves, details: details)
        session.say(
            "Đã chuyển \(outcome.moved) mục — moved \(outcome.moved) entries; journaled: admin rotate by \(session.actor)"
        )
    }

    /// Seals the journal's whole months that ended before the month `olderThan` ago (office time) into segments
    /// (`state/journal/<first>-<YYYY-MM>.jsonl`), so that `journal.jsonl` holds only the recent months.
    func sealJournal(olderThan: TimeInterval) throws -> [JournalSeal] {
        let limit = CalendarDate(session.now().addingTimeInterval(-olderThan), in: session.timeZone)
        let seals = try session.journal().seal(
            before: limit.yearMonth, by: session.actor, reason: session.reason, dryRun: session.dryRun)
        for seal in seals {
            let records = seal.lastSequence - seal.firstSequence + 1
            session.say(
                (session.dryRun ? "  would seal" : "Niêm phong nhật ký — sealed")
                    + " \(seal.month): \(records) bản ghi — records \(seal.firstSequence)–\(seal.lastSequence) → "
                    + "state/journal/\(seal.segment) (SHA-256 \(seal.sha256.prefix(16))…)")
        }
        return seals
    }

    /// The lock one rotation holds (`state/locks/rotate.lock`); nil when another process holds it.
    func takeLock() throws -> FileLock? {
        try Durable.makeDirectories(spool.state + "/locks")
        return try FileLock.tryAcquire(spool.state + "/locks/rotate.lock")
    }

    /// Finishes interrupted moves unless a rotation is running (it finishes them itself); for the daemon at start.
    @discardableResult
    public func finishUnlessRunning() throws -> Int {
        guard let lock = try takeLock() else { return 0 }
        defer { withExtendedLifetime(lock) {} }
        // A seal of the journal cut short: the segments it announced are written, nothing more sealed.
        _ = try session.journal().finishSealing()
        return try finish(try session.index())
    }

    /// `--to`: an absolute folder that exists and can be written.
    static func checkTarget(_ base: String) throws {
        guard base.hasPrefix("/") else {
            throw AdminRefusal(vi: "--to phải là đường dẫn tuyệt đối.", en: "--to must be an absolute path.")
        }
        guard let info = FileSystem.status(RawPath(base)), info.st_mode & S_IFMT == S_IFDIR else {
            throw AdminRefusal(
                vi: "\(base) không có (ổ chia sẻ chưa gắn?).", en: "\(base) does not exist (is the share mounted?).")
        }
        guard access(base, W_OK) == 0 else {
            throw AdminRefusal(vi: "không ghi được vào \(base).", en: "\(base) cannot be written.")
        }
    }

    // MARK: Finishing

    /// Completes moves the journal names but a crash left unmade; returns how many it made.
    @discardableResult
    public func finish(_ index: LedgerIndex) throws -> Int {
        var made = 0
        var settled: [String] = []
        var folders: Set<String> = []
        for relocation in try index.unsettledRelocations() {
            let from = spool.path(relocation.from)
            let to = spool.path(relocation.to)
            let atFrom = FileSystem.exists(RawPath(from))
            let atTo = FileSystem.exists(RawPath(to))
            if atFrom {
                try place(from, at: to, replacingProvenCopy: atTo)
                folders.formUnion([parent(from), parent(to)])
                made += 1
            } else if !atTo {
                // Neither here nor there: someone removed it by hand. Nothing to finish; say so once.
                session.say("  không thấy — missing: \(relocation.from) (neither there nor at \(relocation.to))")
            }
            settled.append(relocation.from)
        }
        try Durable.syncAll(Array(folders))
        try index.settleRelocations(settled)
        if made > 0 { session.say("Đã hoàn tất \(made) lần chuyển dở dang — finished \(made) unfinished moves") }
        return made
    }

    // MARK: Planning

    /// The moves a rotation of `agencies` (every agency when nil) would make at `now`: handled entries whose journal
    /// time is more than `olderThan` ago, into dated folders in place or under `to`.
    public func plan(agencies chosen: [AgencyCode]?, olderThan: TimeInterval, to base: String?) throws -> (
        moves: [Move], skipped: [AgencyCode]
    ) {
        let directory = try session.directory()
        let index = try session.index()
        let now = session.now()
        let cutoff = now.addingTimeInterval(-olderThan)
        var moves: [Move] = []
        var skipped: [AgencyCode] = []
        let codes = chosen ?? directory.agencies.keys.sorted()
        for code in codes {
            guard let agency = directory.agencies[code] else {
                throw AdminRefusal(
                    vi: "\(code) không phải cơ quan của hệ thống.", en: "\(code) is not an agency of this office.",
                    advice: "lienthong agencies")
            }
            let facts = try index.rotationFacts(code.rawValue)
            let inbox = agency.inbox ?? spool.inbox(code)
            if FileSystem.exists(RawPath(spool.inboxMove(code))) {
                skipped.append(code)  // an inbox move is copying it: not now
            } else {
                moves += try entries(code, .inbox, inbox, base, facts, cutoff, now) { name in
                    guard let id = name.string, PacketID(id) != nil, let known = facts.deliveries[id], known.registered
                    else { return nil }
                    return (known.at, id, [name])
                }
            }
            moves += try entries(code, .sent, spool.agency(code) + "/sent", base, facts, cutoff, now) { name in
                guard let text = name.string, let id = text.split(separator: " ").first.map(String.init),
                    PacketID(id) != nil, let at = facts.completed[id]
                else { return nil }
                return (at, id, [name])
            }
            moves += try entries(code, .status, spool.agency(code) + "/status", base, facts, cutoff, now) { name in
                guard let text = name.string, text.hasSuffix(".xml"), let at = facts.statuses[String(text.dropLast(4))]
                else { return nil }
                return (at, text.split(separator: " ").first.map(String.init), [name])
            }
            moves += try rejectedEntries(code, spool.rejected(code), base, facts, cutoff, now)
        }
        if chosen == nil { moves += try fallbackEntries(index, cutoff: cutoff, now: now) }
        return (moves, skipped)
    }

    /// The reports of incidents closed before `cutoff`, into `<fallback>/<YYYY>/<MM>/` by the month they closed
    /// (always in place: the fallback folder is a local disk the office keeps for outages; the pages find them there).
    private func fallbackEntries(_ index: LedgerIndex, cutoff: Date, now: Date) throws -> [Move] {
        let directory = session.config.outage.fallbackPath(spool)
        guard FileSystem.exists(RawPath(directory + "/" + FallbackLog.fileName)) else { return [] }
        let state = FallbackState(try FallbackLog(directory: directory).readAll())
        let relocated = try index.relocations(folder: Folder.fallback.rawValue)
        var moves: [Move] = []
        for incident in state.incidents {
            guard let closed = incident.closedAt, closed < cutoff,
                let to = FallbackOutputs.rotatedReportPath(incident, in: directory, timeZone: session.timeZone)
            else { continue }
            let from = directory + "/" + FallbackOutputs.reportName(incident.id)
            guard FileSystem.exists(RawPath(from)), !FileSystem.exists(RawPath(to)), !changedRecently(from, now: now),
                !relocated.contains(spool.relative(from))
            else { continue }
            moves.append(Move(agency: nil, folder: .fallback, packetId: nil, from: from, to: to))
        }
        return moves
    }

    /// The top-level entries of one folder that `dated` dates (journal time, packet id, the names that move together).
    private func entries(
        _ code: AgencyCode, _ folder: Folder, _ path: String, _ base: String?, _ facts: RotationFacts, _ cutoff: Date,
        _ now: Date, dated: (RawName) -> (at: String, packetId: String?, names: [RawName])?
    ) throws -> [Move] {
        guard let listing = try? Directory.entries(path) else { return [] }
        var moves: [Move] = []
        for entry in listing where !entry.name.isHidden && !Self.isDatedFolder(entry.name) {
            guard let (at, packetId, names) = dated(entry.name), let when = Timestamp.parse(at), when < cutoff else {
                continue
            }
            moves += group(
                code, folder, packetId, names, in: path, to: datedFolder(code, folder, path, base, when),
                facts, now)
        }
        return moves
    }

    /// rejected/: a return is `<stem>.reason.txt` with what was returned (`<stem>`, `<stem>.<ext>`…), moved
    /// together, dated by the journal's `rejected` (or `refused`) record naming one of them.
    private func rejectedEntries(
        _ code: AgencyCode, _ path: String, _ base: String?, _ facts: RotationFacts, _ cutoff: Date, _ now: Date
    ) throws -> [Move] {
        guard let listing = try? Directory.entries(path) else { return [] }
        let names = listing.map(\.name).filter { !$0.isHidden && !Self.isDatedFolder($0) }
        let suffix = Array(".reason.txt".utf8)
        var moves: [Move] = []
        for reason in names where reason.bytes.count > suffix.count && reason.bytes.suffix(suffix.count) == suffix[...]
        {
            let stem = Array(reason.bytes.dropLast(suffix.count))
            let group =
                [reason]
                + names.filter { name in
                    name != reason
                        && (name.bytes == stem
                            || (name.bytes.count > stem.count && name.bytes.starts(with: stem)
                                && name.bytes[stem.count] == UInt8(ascii: ".")
                                && !(name.bytes.count > suffix.count && name.bytes.suffix(suffix.count) == suffix[...])))
                }
            let returned = group.dropFirst().compactMap(\.string)
            let stemText = String(decoding: stem, as: UTF8.self)
            let packetId = PacketID(stemText).map(\.rawValue)
            let at =
                returned.compactMap { facts.rejections[$0] }.max() ?? packetId.flatMap { facts.refusals[$0] }
            guard let at, let when = Timestamp.parse(at), when < cutoff else { continue }
            moves += self.group(
                code, .rejected, packetId, group, in: path, to: datedFolder(code, .rejected, path, base, when), facts,
                now)
        }
        return moves
    }

    /// The moves of entries that go together (a return and its reason), or none: when a name is not UTF-8 (the
    /// journal could not say it), when one changed recently, when one is journaled as moved already (`finish`
    /// completes it), or when the dated folder holds that name already (never replaced; left for a clerk to see).
    private func group(
        _ code: AgencyCode, _ folder: Folder, _ packetId: String?, _ names: [RawName], in path: String,
        to target: String,
        _ facts: RotationFacts, _ now: Date
    ) -> [Move] {
        let texts = names.compactMap(\.string)
        guard texts.count == names.count else { return [] }
        let pairs = texts.map { (from: path + "/" + $0, to: target + "/" + $0) }
        guard
            pairs.allSatisfy({ pair in
                !changedRecently(pair.from, now: now) && facts.relocated[spool.relative(pair.from)] == nil
                    && !FileSystem.exists(RawPath(pair.to))
            })
        else { return [] }
        return pairs.map { Move(agency: code, folder: folder, packetId: packetId, from: $0.from, to: $0.to) }
    }

    /// `<folder>/<YYYY>/<MM>`, or `<base>/<code>/<folder>/<YYYY>/<MM>`, in the office's time zone.
    private func datedFolder(_ code: AgencyCode, _ folder: Folder, _ path: String, _ base: String?, _ when: Date)
        -> String
    {
        let root = base.map { "\($0)/\(code.rawValue)/\(folder.rawValue)" } ?? path
        return root + "/" + CalendarDate(when, in: session.timeZone).monthFolder
    }

    /// `2026`, the dated folders rotation makes: never rotated themselves.
    static func isDatedFolder(_ name: RawName) -> Bool {
        name.bytes.count == 4 && name.bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Whether the entry, or anything directly inside it, changed within `inUse` of `now`.
    private func changedRecently(_ path: String, now: Date) -> Bool {
        let limit = now.addingTimeInterval(-inUse).timeIntervalSince1970
        // The modification time only: a status change (ctime) comes with any rename or copy of the share too.
        func recent(_ info: stat) -> Bool { Double(info.st_mtim.tv_sec) > limit }
        guard let info = FileSystem.status(RawPath(path)) else { return true }
        if recent(info) { return true }
        guard info.st_mode & S_IFMT == S_IFDIR, let inside = try? Directory.entries(path) else { return false }
        return inside.contains { entry in FileSystem.status(Directory.join(path, entry.name)).map(recent) ?? false }
    }

    // MARK: Moving

    /// Journals and makes `moves`, a batch at a time, with progress.
    public func run(_ moves: [Move], details: JSONValue) throws -> Int {
        let journal = try session.journal()
        let index = try session.index()
        var done = 0
        var lastSaid = ContinuousClock.now
        for start in stride(from: 0, to: moves.count, by: batchSize) {
            let batch = Array(moves[start..<min(start + batchSize, moves.count)])
            var events: [LedgerEvent] = batch.map {
                .relocated(
                    agency: $0.agency, folder: $0.folder.rawValue, packetId: $0.packetId,
                    from: spool.relative($0.from), to: spool.relative($0.to))
            }
            if start == 0 {
                events.insert(
                    .admin(
                        action: "rotate", by: session.actor, reason: session.reason, target: nil, details: details),
                    at: 0)
            }
            _ = try journal.append(events)
            try index.catchUp(with: journal)
            var folders: Set<String> = []
            for move in batch {
                try place(move.from, at: move.to, replacingProvenCopy: false)
                folders.formUnion([parent(move.from), parent(move.to)])
                done += 1
                if ContinuousClock.now - lastSaid >= .seconds(2) {
                    lastSaid = ContinuousClock.now
                    session.say("  đã chuyển — moved \(done)/\(moves.count)")
                }
            }
            // Each new dated folder's own entry too: the folders above it.
            try Durable.syncAll(Array(folders) + Array(Set(folders.map(parent))))
            try index.settleRelocations(batch.map { spool.relative($0.from) })
        }
        return done
    }

    /// Moves `from` to `to`: one rename on one file system; across file systems a copy proved by SHA-256, renamed
    /// into place, then the original removed. `replacingProvenCopy`: a copy found at `to` (a crash after the copy was
    /// renamed into place) is kept when it proves equal, and the original removed.
    private func place(_ from: String, at to: String, replacingProvenCopy: Bool) throws {
        let target = RawPath(to)
        if replacingProvenCopy, FileSystem.exists(target) {
            // Only a copy made across file systems and renamed into place is found with its original: equal, the
            // original goes; otherwise both stay, and the admin is told (nothing is ever removed unproven).
            let differences = try InboxCopier(from: from, to: to, skipping: [], say: { _ in }).differences()
            guard differences.isEmpty else {
                session.say(
                    "  hai bản khác nhau — both kept, they differ: \(spool.relative(from)) and \(spool.relative(to)) "
                        + "(\(differences.prefix(3).joined(separator: ", ")))")
                return
            }
            try FileSystem.removeTree(RawPath(from))
            return
        }
        try Durable.makeDirectories(parent(to))
        do {
            try FileSystem.renameNoReplace(RawPath(from), target)
        } catch let error as FileError where error.code == EXDEV {
            try copyAcross(from, to)
        }
    }

    /// A move to another file system: copied beside the target under a hidden name, proved, renamed, then removed.
    private func copyAcross(_ from: String, _ to: String) throws {
        let staging = parent(to) + "/.lienthong-moving-" + (to as NSString).lastPathComponent
        try FileSystem.removeTree(RawPath(staging))
        if isDirectory(from) {
            let copier = InboxCopier(from: from, to: staging, skipping: [], say: { _ in })
            _ = try copier.copy()
            _ = try copier.verify()
        } else {
            try FileSystem.copyFile(from: RawPath(from), to: RawPath(staging))
            try Durable.syncAll([staging])
            guard try InboxCopier.sha256(RawPath(from)) == InboxCopier.sha256(RawPath(staging)) else {
                throw AdminRefusal(
                    vi: "bản chép của \(from) khác bản gốc.", en: "the copy of \(from) differs from the original.")
            }
        }
        try FileSystem.renameNoReplace(RawPath(staging), RawPath(to))
        try Durable.syncAll([parent(to)])
        try FileSystem.removeTree(RawPath(from))
    }

    private func isDirectory(_ path: String) -> Bool {
        FileSystem.status(RawPath(path)).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false
    }

    private func parent(_ path: String) -> String { (path as NSString).deletingLastPathComponent }
}
