import Accounts
import Archivist
import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Retention and disposal (Circular 10/2022/TT-BNV; Alfresco and Nuxeo records management are the model): every
/// packet's retention and disposal date from the schedule, its records and extensions (the longest wins: retention
/// is extended, never shortened); legal holds that block destruction for everyone; proposals of what is due;
/// destruction only once two different admin accounts approved, leaving a tombstone and a signed certificate.
public struct RetentionDesk {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    var spool: SpoolLayout { session.spool }

    /// A packet's retention, where it comes from, and when it may be destroyed (nil: never).
    public struct Effective: Sendable {
        public let packetId: String
        public let retention: Retention
        public let basis: String
        public let due: Date?
    }

    /// The retention of each packet in `facts`.
    func effective(_ facts: [RetentionFact], schedule: RetentionSchedule, index: LedgerIndex) throws -> [Effective] {
        try facts.map { fact in
            let rule = schedule.rule(for: fact.typeName)
            var best = (
                rule.retention, "bảng thời hạn: \(rule.typeName.isEmpty ? "mặc định" : rule.typeName) — \(rule.basis)"
            )
            for record in fact.records {
                if let retention = Retention(record.maintenance), retention > best.0 {
                    best = (retention, "hồ sơ \(record.fileCode)")
                }
                if let text = try index.retentionExtension(record.fileCode), let retention = Retention(text),
                    retention > best.0
                {
                    best = (retention, "kéo dài cho hồ sơ \(record.fileCode)")
                }
            }
            if let text = try index.retentionExtension(fact.packetId), let retention = Retention(text),
                retention > best.0
            {
                best = (retention, "kéo dài cho văn bản")
            }
            // Counted from the end of the year the record (else the document) ends in.
            let end = (fact.records.compactMap(\.endDate) + [fact.issuedDate]).max() ?? fact.issuedDate
            var due: Date?
            if case .years(let years) = best.0, let year = Int(end.prefix(4)) {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = session.timeZone
                due = calendar.date(from: DateComponents(year: year + years + 1, month: 1, day: 1))
            }
            return Effective(packetId: fact.packetId, retention: best.0, basis: best.1, due: due)
        }
    }

    /// One packet's retention.
    public func show(_ packetId: String) throws -> Effective {
        let index = try session.index()
        guard let fact = try index.retentionFacts(packetId).first else {
            throw AdminRefusal(
                vi: "không có gói tin \(packetId) trong kho.", en: "no packet \(packetId) in the archive.")
        }
        return try effective([fact], schedule: try RetentionSchedule.load(spool), index: index)[0]
    }

    /// `hold add|release PACKET --reason`: a legal hold (Decree 30/2020 App. VI IV.1) blocks destruction for
    /// everyone until it is released.
    public func hold(_ packetId: String, release: Bool) throws -> AdminPlan {
        let index = try session.index()
        guard try index.record(packetId) != nil else {
            throw AdminRefusal(vi: "không có gói tin \(packetId).", en: "no packet \(packetId).")
        }
        let held = try index.legalHolds().contains { $0.packetId == packetId }
        guard session.reason != AdminSession.noReason else {
            throw AdminRefusal(
                vi: "cần --reason (căn cứ yêu cầu phong toả).", en: "--reason is required (who asked, why).")
        }
        if release {
            guard held else {
                throw AdminRefusal(vi: "\(packetId) không bị phong toả.", en: "\(packetId) is not on hold.")
            }
        } else if held {
            throw AdminRefusal(vi: "\(packetId) đã bị phong toả.", en: "\(packetId) is on hold already.")
        }
        return AdminPlan(
            action: release ? RetentionAction.release : RetentionAction.hold, target: packetId,
            details: .object([("packetId", .string(packetId))]), changes: [],
            summary: [
                release
                    ? "Gỡ phong toả — legal hold released: \(packetId)"
                    : "Phong toả — legal hold: \(packetId) cannot be destroyed (by anyone) until released"
            ])
    }

    /// `retention extend PACKET|FILECODE --to "20 năm"`: longer only.
    public func extend(_ key: String, to retention: Retention) throws -> AdminPlan {
        let index = try session.index()
        let schedule = try RetentionSchedule.load(spool)
        let current: Retention
        if let record = try index.fileRecord(key) {
            let facts = try index.recordPackets(record.fileCode).compactMap { try index.retentionFacts($0).first }
            current =
                try effective(facts, schedule: schedule, index: index).map(\.retention).min()
                ?? Retention(record.maintenance) ?? schedule.fallback.retention
        } else if let fact = try index.retentionFacts(key).first {
            current = try effective([fact], schedule: schedule, index: index)[0].retention
        } else {
            throw AdminRefusal(vi: "không có gói tin hay hồ sơ \(key).", en: "no packet or record \(key).")
        }
        guard retention > current else {
            throw AdminRefusal(
                vi: "thời hạn bảo quản chỉ được kéo dài, không được rút ngắn (hiện là \(current)).",
                en: "retention may be extended, never shortened (it is \(current) now).")
        }
        return AdminPlan(
            action: RetentionAction.extend, target: key,
            details: .object([("retention", .string(retention.description)), ("from", .string(current.description))]),
            changes: [], summary: ["Kéo dài thời hạn bảo quản — retention of \(key): \(current) → \(retention)"])
    }

    /// `disposal propose --due`: what is due (not held, not in a proposal still open), as one proposal. Nil when
    /// nothing is due.
    public func propose() throws -> DisposalProposal? {
        let index = try session.index()
        let schedule = try RetentionSchedule.load(spool)
        let now = session.now()
        let held = Set(try index.legalHolds().map(\.packetId))
        let open = Set(try index.disposals().filter { $0.destroyedAt == nil }.flatMap(\.packets))
        let due = try effective(try index.retentionFacts(), schedule: schedule, index: index).filter { item in
            guard let date = item.due else { return false }
            return date <= now && !held.contains(item.packetId) && !open.contains(item.packetId)
        }
        session.say(
            "Đến hạn huỷ — due for destruction: \(due.count) packets"
                + (held.isEmpty ? "" : " (\(held.count) on legal hold left out)"))
        for item in due {
            session.say("  \(item.packetId)  \(item.retention), \(item.basis)")
        }
        guard !due.isEmpty else { return nil }
        let year = CalendarDate(now, in: session.timeZone).year
        let id =
            "HUY-\(year)-"
            + String(format: "%03d", try index.disposals().filter { $0.id.hasPrefix("HUY-\(year)-") }.count + 1)
        if session.dryRun {
            session.say("--dry-run: nothing changed. Would journal: admin \(RetentionAction.propose) \(id)")
            return DisposalProposal(
                id: id, at: "", by: session.actor, packets: due.map(\.packetId), approvals: [], destroyedAt: nil)
        }
        let journal = try session.journal()
        try journal.append(
            .admin(
                action: RetentionAction.propose, by: session.actor, reason: session.reason, target: id,
                details: .object([
                    ("packets", .array(due.map { .string($0.packetId) })),
                    (
                        "retention",
                        .array(
                            due.map {
                                .object([
                                    ("packetId", .string($0.packetId)),
                                    ("retention", .string($0.retention.description)),
                                    ("basis", .string($0.basis)),
                                ])
                            })
                    ),
                ])))
        try index.catchUp(with: journal)
        session.say(
            "Đề nghị huỷ \(id) — proposal \(id): needs the approval of two different admin accounts "
                + "(lienthong disposal approve \(id) --as ACCOUNT)")
        return try index.disposals().first { $0.id == id }
    }

    /// `disposal approve ID --as ACCOUNT`: one admin account's approval (its password checked); once two different
    /// accounts approved, the packets are destroyed (those put on hold meanwhile are kept).
    public func approve(_ id: String, account name: String, password: String) throws -> DisposalProposal {
        let accounts = try AccountStore(path: spool.state + "/accounts.sqlite")
        guard let account = try accounts.authenticate(name, password: password), account.role == .admin,
            !account.disabled
        else {
            throw AdminRefusal(
                vi: "\(name) không phải tài khoản quản trị đang hoạt động, hoặc mật khẩu sai.",
                en: "\(name) is not an active admin account, or the password is wrong.")
        }
        let index = try session.index()
        guard var proposal = try index.disposals().first(where: { $0.id == id }) else {
            throw AdminRefusal(vi: "không có đề nghị huỷ \(id).", en: "no disposal proposal \(id).")
        }
        guard proposal.destroyedAt == nil else {
            throw AdminRefusal(vi: "\(id) đã được thực hiện.", en: "\(id) was carried out already.")
        }
        guard !proposal.approvals.contains(name) else {
            throw AdminRefusal(
                vi: "\(name) đã duyệt \(id); cần một tài khoản quản trị khác.",
                en: "\(name) approved \(id) already; another admin account must approve.")
        }
        if session.dryRun {
            session.say("--dry-run: nothing changed. Would journal: admin \(RetentionAction.approve) \(id) by \(name)")
            return proposal
        }
        let journal = try session.journal()
        try journal.append(
            .admin(
                action: RetentionAction.approve, by: session.actor, reason: session.reason, target: id,
                details: .object([("account", .string(name))])))
        try index.catchUp(with: journal)
        proposal.approvals.append(name)
        session.say("Đã duyệt — approved by \(name): \(proposal.approvals.count) of 2 approvals")
        guard Set(proposal.approvals).count >= 2 else { return proposal }
        try destroy(proposal, index: index, journal: journal)
        return try index.disposals().first { $0.id == id } ?? proposal
    }

    /// Destroys a proposal's packets: each tombstone journaled first, then the archive file and sidecar removed,
    /// then the signed certificate of destruction written (`disposals/<ID>/`).
    private func destroy(_ proposal: DisposalProposal, index: LedgerIndex, journal: Journal) throws {
        let held = Set(try index.legalHolds().map(\.packetId))
        let gone = try index.tombstones(proposal.packets)
        var destroyed: [JSONValue] = []
        var kept: [String] = []
        for packetId in proposal.packets {
            if held.contains(packetId) {
                kept.append(packetId)
                session.say("  kept: \(packetId) is on legal hold")
                continue
            }
            guard gone[packetId] == nil, let record = try index.record(packetId) else { continue }
            let sidecar = (record.archivePath as NSString).deletingPathExtension + ".json"
            let sidecarHash = (try? FileDigest.sha256(spool.path(sidecar)).sha256) ?? ""
            let details = JSONValue.object([
                ("packetId", .string(packetId)), ("number", .string(record.hit.numberAndNotation)),
                ("issuedDate", .string(record.hit.issuedDate)), ("typeName", .string(record.hit.typeName)),
                ("subject", .string(record.hit.secrecy == nil ? record.hit.subject : "")),
                ("secrecy", record.hit.secrecy.map(JSONValue.string) ?? .null),
                ("sender", .string(record.hit.sender)),
                ("recipients", .array(record.hit.recipients.map(JSONValue.string))),
                ("archive", .string(record.archivePath)), ("sha256", .string(record.sha256 ?? "")),
                ("sidecarSha256", .string(sidecarHash)),
                ("approvedBy", .array(proposal.approvals.map(JSONValue.string))),
            ])
            try journal.append(
                .admin(
                    action: RetentionAction.destroy, by: session.actor, reason: session.reason, target: proposal.id,
                    details: details))
            for file in [record.archivePath, sidecar] { try remove(spool.path(file)) }
            destroyed.append(details)
            session.say("  destroyed: \(packetId) \(record.hit.numberAndNotation)")
        }
        try index.catchUp(with: journal)
        // The certificate of destruction, signed.
        let folder = spool.path("disposals/" + proposal.id)
        try Durable.makeDirectories(folder)
        let certificate = JSONWriter.bytes(
            .object([
                ("format", .string("lienthong-disposal-certificate/1")), ("id", .string(proposal.id)),
                ("proposedAt", .string(proposal.at)), ("proposedBy", .string(proposal.by)),
                ("approvedBy", .array(proposal.approvals.map(JSONValue.string))),
                ("destroyedAt", .string(Timestamp.string(session.now(), in: session.timeZone))),
                ("destroyed", .array(destroyed)), ("keptOnHold", .array(kept.map(JSONValue.string))),
            ]))
        let signing = try OfficeSigner.identity(preferring: nil, directory: try session.directory())
        let path = folder + "/bien-ban-huy.json"
        try Durable.writeFile(at: path, bytes: certificate, replace: true)
        try Durable.writeFile(
            at: path + ".p7s", bytes: try signing.signer.sign(certificate, signingTime: session.now()), replace: true)
        try journal.append(
            .admin(
                action: "disposal.certificate", by: session.actor, reason: session.reason, target: proposal.id,
                details: .object([
                    ("certificate", .string(spool.relative(path))),
                    ("sha256", .string(SHA256Hasher.hex(of: certificate))), ("signer", .string(signing.code.rawValue)),
                ])))
        session.say(
            "Đã huỷ \(destroyed.count) gói tin — destroyed \(destroyed.count) packets (\(kept.count) kept on hold); "
                + "certificate: \(spool.relative(path)) (signed by \(signing.code))")
    }

    /// Removes an archive file, even from a closed year's read-only folder (made writable for the removal only).
    private func remove(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(folder, &info) == 0 else { return }
        let mode = info.st_mode & 0o7777
        if mode & 0o200 == 0 { chmod(folder, mode | 0o700) }
        defer { if mode & 0o200 == 0 { chmod(folder, mode) } }
        if unlink(path) != 0, errno != ENOENT { throw FileError("unlink", path: path) }
        try Durable.syncDirectory(folder)
    }
}
