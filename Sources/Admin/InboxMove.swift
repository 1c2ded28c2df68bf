import DurableIO
import Foundation
import Ledger
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong inbox move CODE --to PATH [--remove-old]`: an agency's inbox goes to another place (a new share)
/// without losing or doubling a delivery. Deliveries to the agency wait while the inbox is copied (the move holds the
/// inbox's lock; the daemon takes it shared for each batch, so a batch in flight finishes first); every file is
/// copied, synced and proved by SHA-256; `agency.yaml` then names the new place in one atomic rename; and only then,
/// and only with `--remove-old`, is the old copy removed. Until the switch the old place is in service, after it the
/// new: a crash anywhere leaves one of them, never both or neither, and the same command run again finishes the move
/// (`state/moves/CODE.json` says where it stood). Unlike Archivematica's location moves, the old copy is never left
/// behind silently: it is listed, and `doctor` reports it until it is removed.
public struct InboxMove: Sendable {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    var spool: SpoolLayout { session.spool }

    /// What `state/moves/CODE.json` keeps of a move not finished.
    public struct Progress: Sendable, Equatable {
        public let from: String
        public let to: String
        /// `copying` (the old place is in service) or `switched` (the new one is; the old copy is left).
        public let phase: String
        public let startedAt: String
        public let by: String

        var json: JSONValue {
            .object([
                ("from", .string(from)), ("to", .string(to)), ("phase", .string(phase)),
                ("startedAt", .string(startedAt)), ("by", .string(by)),
            ])
        }

        init(from: String, to: String, phase: String, startedAt: String, by: String) {
            self.from = from
            self.to = to
            self.phase = phase
            self.startedAt = startedAt
            self.by = by
        }

        init?(_ value: JSONValue) {
            guard let from = value["from"]?.stringValue, let to = value["to"]?.stringValue,
                let phase = value["phase"]?.stringValue
            else { return nil }
            self.init(
                from: from, to: to, phase: phase, startedAt: value["startedAt"]?.stringValue ?? "",
                by: value["by"]?.stringValue ?? "")
        }
    }

    /// The unfinished move of `code`'s inbox, if there is one.
    public static func progress(_ code: AgencyCode, in spool: SpoolLayout) -> Progress? {
        guard let bytes = try? Durable.readSmallFile(spool.inboxMove(code), limit: 1 << 20),
            let value = try? JSONParser().parse(bytes)
        else { return nil }
        return Progress(value)
    }

    /// Every unfinished move in the spool, by agency.
    public static func unfinished(in spool: SpoolLayout) -> [(AgencyCode, Progress)] {
        ((try? Directory.entries(spool.inboxMoves)) ?? []).compactMap { entry in
            guard let name = entry.name.string, name.hasSuffix(".json"),
                let code = AgencyCode(String(name.dropLast(5))), let progress = progress(code, in: spool)
            else { return nil }
            return (code, progress)
        }.sorted { $0.0.rawValue < $1.0.rawValue }
    }

    /// The plan of `inbox move CODE --to PATH [--remove-old]`.
    public func plan(_ code: AgencyCode, to requested: String, removeOld: Bool) throws -> AdminPlan {
        let directory = try session.directory()
        let agencies = AgencyAdmin(session: session)
        let agency = try agencies.existing(code, directory)
        try agencies.refuseRetired(agency, at: session.now())
        guard requested.hasPrefix("/") else {
            throw AdminRefusal(
                vi: "--to phải là đường dẫn tuyệt đối (bắt đầu bằng /).", en: "--to must be an absolute path.")
        }
        let target = (requested as NSString).standardizingPath
        let current = (agency.inbox ?? spool.inbox(code) as String)
        let progress = Self.progress(code, in: spool)
        if let progress, progress.to != target {
            throw AdminRefusal(
                vi: "hộp thư đến của \(code) đang được chuyển sang \(progress.to).",
                en: "the inbox of \(code) is being moved to \(progress.to).",
                advice: "Làm tiếp — finish it: lienthong inbox move \(code) --to \(progress.to)")
        }
        if current == target {
            guard let progress, progress.phase == "switched" else {
                throw AdminRefusal(
                    vi: "hộp thư đến của \(code) đã ở \(target).", en: "the inbox of \(code) is at \(target) already.")
            }
            return try finish(code, progress, removeOld: removeOld)
        }
        if target.hasPrefix(current + "/") || current.hasPrefix(target + "/") {
            throw AdminRefusal(
                vi: "chỗ mới và chỗ cũ lồng vào nhau (\(current) — \(target)).",
                en: "the new and the old place are inside one another (\(current), \(target)).")
        }
        try checkTarget(target, resuming: progress != nil)
        let copier = InboxCopier(from: current, to: target, skipping: [".lienthong/staging"], say: session.say)
        let tally = try copier.survey()
        try checkSpace(target, needs: tally.bytes)
        return try copyPlan(code, from: current, to: target, removeOld: removeOld, tally: tally, resumed: progress)
    }

    private func copyPlan(
        _ code: AgencyCode, from current: String, to target: String, removeOld: Bool, tally: InboxCopier.Tally,
        resumed: Progress?
    ) throws -> AdminPlan {
        let now = Timestamp.string(session.now(), in: session.timeZone)
        let copying = Progress(
            from: current, to: target, phase: "copying", startedAt: resumed?.startedAt ?? now, by: session.actor)
        let switched = Progress(
            from: current, to: target, phase: "switched", startedAt: copying.startedAt, by: session.actor)
        let copier = InboxCopier(from: current, to: target, skipping: [".lienthong/staging"], say: session.say)
        let lock = LockHolder(path: spool.inboxLock(code), say: session.say)
        let size = "\(tally.files) files, \(InboxCopier.mebibytes(tally.bytes)) MiB"
        var changes: [AdminChange] = [
            .write(
                path: spool.inboxMove(code), bytes: JSONWriter.bytes(copying.json), mode: 0o600,
                what: "where the move stands, so a crash resumes it"),
            .run(what: "wait for deliveries in flight to \(code), then hold them (\(spool.relative(lock.path)))") {
                try lock.take()
            },
            .run(what: "copy \(size) from \(current) to \(target), each file synced") { _ = try copier.copy() },
            .run(what: "verify every file at \(target) against \(current) by SHA-256") { _ = try copier.verify() },
            try inboxFile(code, target, what: "inbox: \(target) — deliveries go there from now on"),
        ]
        if removeOld {
            changes.append(removal(code, copier, from: current))
        } else {
            changes.append(
                .write(
                    path: spool.inboxMove(code), bytes: JSONWriter.bytes(switched.json), mode: 0o600,
                    what: "the old copy at \(current) is left, listed until removed"))
        }
        changes.append(.run(what: "release the deliveries to \(code)") { lock.release() })
        changes.append(completion(code, from: current, to: target, removedOld: removeOld))
        if !removeOld {
            changes.append(
                .run(what: "say where the old copy is") {
                    session.say(
                        "Bản cũ để lại tại \(current) — the old copy is left at \(current) (\(size)); once the new "
                            + "place is checked: lienthong inbox move \(code) --to \(target) --remove-old")
                })
        }
        var details: [(String, JSONValue)] = [
            ("from", .string(current)), ("to", .string(target)), ("files", .integer(Int64(tally.files))),
            ("bytes", .integer(tally.bytes)), ("removeOld", .bool(removeOld)),
        ]
        if resumed != nil { details.append(("resumed", .bool(true))) }
        var summary = [
            "Chuyển hộp thư đến — move the inbox of \(code): \(current) → \(target) (\(size))"
                + (resumed != nil ? "; làm tiếp lần chuyển dở — resuming the move begun \(copying.startedAt)" : "")
        ]
        if !tally.others.isEmpty {
            summary.append(
                "Không chép — not copied (neither file, folder nor link): " + tally.others.joined(separator: ", "))
        }
        return AdminPlan(
            action: "inbox.move", target: code.rawValue, details: .object(details), changes: changes,
            summary: summary)
    }

    /// A move already switched: the old copy is removed (`--remove-old`) and the move is done.
    private func finish(_ code: AgencyCode, _ progress: Progress, removeOld: Bool) throws -> AdminPlan {
        guard removeOld else {
            throw AdminRefusal(
                vi: "hộp thư đến của \(code) đã chuyển sang \(progress.to); bản cũ còn ở \(progress.from).",
                en: "the inbox of \(code) has moved to \(progress.to); the old copy is still at \(progress.from).",
                advice: "Xóa bản cũ — remove it: lienthong inbox move \(code) --to \(progress.to) --remove-old")
        }
        let copier = InboxCopier(
            from: progress.from, to: progress.to, skipping: [".lienthong/staging"], say: session.say)
        let lock = LockHolder(path: spool.inboxLock(code), say: session.say)
        let changes: [AdminChange] = [
            .run(what: "hold the deliveries to \(code)") { try lock.take() },
            .run(what: "verify every file at \(progress.to) against the old copy by SHA-256") {
                _ = try copier.verify()
            },
            removal(code, copier, from: progress.from),
            .run(what: "release the deliveries to \(code)") { lock.release() },
            completion(code, from: progress.from, to: progress.to, removedOld: true),
        ]
        return AdminPlan(
            action: "inbox.move", target: code.rawValue,
            details: .object([
                ("from", .string(progress.from)), ("to", .string(progress.to)), ("removeOld", .bool(true)),
            ]),
            changes: changes,
            summary: ["Xóa bản cũ — remove the old copy of \(code)'s inbox at \(progress.from) (now at \(progress.to))"]
        )
    }

    private func removal(_ code: AgencyCode, _ copier: InboxCopier, from current: String) -> AdminChange {
        .run(what: "remove the old copy at \(current) (only what the new place holds)") {
            let kept = try copier.removeCopied()
            if !kept.isEmpty {
                session.say(
                    "Để lại — kept at \(current) (not at the new place): " + kept.prefix(20).joined(separator: ", ")
                        + (kept.count > 20 ? " … (\(kept.count))" : ""))
            }
        }
    }

    /// The journal's record of a finished move, and the progress file gone.
    private func completion(_ code: AgencyCode, from: String, to: String, removedOld: Bool) -> AdminChange {
        let session = session
        return .run(what: "journal the move done (admin inbox.moved) and forget its progress") {
            if removedOld { try FileSystem.removeTree(RawPath(session.spool.inboxMove(code))) }
            try session.journal().append([
                .admin(
                    action: "inbox.moved", by: session.actor, reason: session.reason, target: code.rawValue,
                    details: .object([
                        ("from", .string(from)), ("to", .string(to)), ("removedOld", .bool(removedOld)),
                    ]))
            ])
        }
    }

    private func inboxFile(_ code: AgencyCode, _ target: String, what: String) throws -> AdminChange {
        var yaml = try AgencyYAML.load(code, in: spool)
        yaml["inbox"] = target == spool.inbox(code) ? nil : AgencyYAML.text(target)
        return try AgencyAdmin(session: session).agencyFile(code, yaml, what: what)
    }

    /// The new place: absent under a folder that exists (a mounted share), or an empty folder, or the partial copy
    /// of this very move; writable.
    private func checkTarget(_ target: String, resuming: Bool) throws {
        let parent = (target as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw AdminRefusal(vi: "\(target) không phải thư mục.", en: "\(target) is not a folder.")
            }
            let entries = (try? Directory.entries(target)) ?? []
            if !entries.isEmpty, !resuming {
                throw AdminRefusal(
                    vi: "thư mục \(target) không trống (\(entries.count) mục).",
                    en: "the folder \(target) is not empty (\(entries.count) entries).",
                    advice: "Chọn một thư mục trống — choose an empty folder.")
            }
            guard access(target, W_OK) == 0 else {
                throw AdminRefusal(vi: "không ghi được vào \(target).", en: "\(target) is not writable.")
            }
        } else {
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
                throw AdminRefusal(
                    vi: "không có thư mục \(parent) (ổ chia sẻ chưa gắn?).",
                    en: "there is no folder \(parent) (is the share mounted?).")
            }
            guard access(parent, W_OK) == 0 else {
                throw AdminRefusal(vi: "không ghi được vào \(parent).", en: "\(parent) is not writable.")
            }
        }
    }

    private func checkSpace(_ target: String, needs bytes: Int64) throws {
        var place = target
        while !FileManager.default.fileExists(atPath: place), place != "/" {
            place = (place as NSString).deletingLastPathComponent
        }
        var info = statvfs()
        guard statvfs(place, &info) == 0 else { return }
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        if free < bytes + bytes / 20 + (64 << 20) {
            throw AdminRefusal(
                vi:
                    "không đủ chỗ ở \(place): cần \(InboxCopier.mebibytes(bytes)) MiB, còn \(InboxCopier.mebibytes(free)) MiB.",
                en: "not enough room at \(place): \(InboxCopier.mebibytes(bytes)) MiB needed, "
                    + "\(InboxCopier.mebibytes(free)) MiB free.")
        }
    }
}

/// The inbox's lock, held exclusively from one change of the plan to a later one (deliveries wait meanwhile).
final class LockHolder: @unchecked Sendable {  // used by one thread at a time
    let path: String
    let say: @Sendable (String) -> Void
    private var lock: FileLock?

    init(path: String, say: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.say = say
    }

    func take() throws {
        try Durable.makeDirectories((path as NSString).deletingLastPathComponent, mode: 0o700)
        if let lock = try FileLock.tryAcquire(path) {
            self.lock = lock
            return
        }
        say("  chờ lượt chuyển đang chạy xong — waiting for the deliveries in flight …")
        lock = try FileLock.acquire(path)
    }

    func release() { lock = nil }
}
