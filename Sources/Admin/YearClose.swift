import Archivist
import DurableIO
import Foundation
import Ledger
import Packets
import Registers
import Signing
import Spool
import WorkingTime

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong year close YYYY`: the end of a year (Decree 30/2020 Art 15.1, 16.2.b, 22.3.b). The year's final
/// registers are written (outgoing, incoming and the secret ones, HTML to print and bind, and CSV), and a year
/// manifest — every packet of the year with the SHA-256 of its archive file and sidecar, its deliveries, numbers and
/// statuses — signed (detached CMS) and chained into the journal by an `admin` record `year.close`. From then on
/// `archive verify` reports anything changed, added or removed in the year; a late arrival of that year is archived
/// and registered in the next open year; a year closed for the whole office has its archive folder made read-only.
///
/// Refused while the year is not over, while a drop is being worked on, while a packet of the year still waits for
/// a delivery (unless `force`, with a reason), or while a packet of the year no longer matches what was archived.
public struct YearClose {
    public let session: AdminSession
    /// Close although deliveries of the year still wait (they are listed in the manifest).
    public var force = false
    /// The agency whose certificate signs the manifest (default: the first agency, by code, with a key).
    public var signer: AgencyCode?

    public init(session: AdminSession) {
        self.session = session
    }

    /// What a close wrote.
    public struct Outcome: Sendable {
        public var manifest: String
        public var packets: Int
        public var registers: [String]
        public var alreadyClosed: Bool
    }

    var spool: SpoolLayout { session.spool }

    /// Closes `year` for `agencies` (nil: the whole office).
    public func close(_ year: Int, agencies chosen: [AgencyCode]?) throws -> Outcome {
        try checkOver(year)
        let index = try session.index()
        let directory = try session.directory()
        let office = chosen == nil
        if let chosen {
            for code in chosen where directory.agencies[code] == nil {
                throw AdminRefusal(
                    vi: "không có cơ quan \(code) trong văn phòng này.", en: "no agency \(code) in this office.")
            }
        }
        let closed = try index.closedYears().filter { $0.year == year }
        if let done = closed.first(where: { $0.agency == nil }) {
            return try alreadyClosed(year, done, office: true)
        }
        let codes = (chosen ?? directory.agencies.keys.sorted()).filter { code in
            !closed.contains { $0.agency == code.rawValue }
        }
        if !office, codes.isEmpty, let done = closed.first {
            return try alreadyClosed(year, done, office: false)
        }
        guard office || codes.count == 1 else {
            throw AdminRefusal(
                vi: "khoá sổ từng cơ quan một (--agency một mã), hoặc cả văn phòng (--all).",
                en: "close one agency at a time (one --agency), or the whole office (--all).")
        }
        try checkNoClaims(year, directory, index)
        let packets = try index.yearPackets(year, agencies: office ? nil : Set(codes.map(\.rawValue)))
        let ids = Set(packets.map(\.packetId))
        let waiting = try index.pendingDeliveries().filter { ids.contains($0.packetId) }
        if !waiting.isEmpty {
            let list = waiting.prefix(50).map { "  \($0.packetId) \($0.numberAndNotation) → \($0.recipient)" }
            guard force else {
                throw AdminRefusal(
                    vi: "còn \(waiting.count) văn bản của năm \(year) chưa chuyển tới nơi nhận:",
                    en: "\(waiting.count) deliveries of \(year) still wait:\n" + list.joined(separator: "\n"),
                    advice:
                        "Chờ chuyển xong (lienthong queue list), hoặc khoá sổ với --force --reason … — "
                        + "wait for them (lienthong queue list), or close with --force --reason …")
            }
            guard session.reason != AdminSession.noReason else {
                throw AdminRefusal(
                    vi: "--force cần --reason (lý do khoá sổ khi còn văn bản chưa chuyển).",
                    en: "--force needs --reason (why the year closes with deliveries waiting).")
            }
        }
        session.say(
            "Khoá sổ năm \(year) — closing \(year) for "
                + (office
                    ? "the whole office (\(codes.count) agencies)" : codes.map(\.rawValue).joined(separator: ", "))
                + ": \(packets.count) packets" + (waiting.isEmpty ? "" : ", \(waiting.count) deliveries still waiting"))
        let hashes = try hashPackets(packets)
        let signing = try OfficeSigner.identity(preferring: signer, only: signer != nil, directory: directory)
        let folder = YearManifest.folder(year: year, agency: office ? nil : codes.first?.rawValue, in: spool)
        let folders = office ? codes.map { (folder + "/" + $0.rawValue, $0) } : [(folder, codes[0])]
        let registers = try registers(year, folders: folders, directory: directory, index: index)
        let manifestPath = folder + "/manifest.json"
        if session.dryRun {
            session.say("--dry-run: nothing changed. Would:")
            for (path, _) in registers { session.say("  write \(spool.relative(path))") }
            session.say("  write \(spool.relative(manifestPath)) and its signature (.p7s) by \(signing.code)")
            session.say("  append to the journal: admin \(LedgerIndex.yearCloseAction) \(year)")
            if office { session.say("  make archive/\(year)/ read-only") }
            return Outcome(
                manifest: spool.relative(manifestPath), packets: packets.count,
                registers: registers.map { spool.relative($0.path) }, alreadyClosed: false)
        }
        try Durable.makeDirectories(folder)
        for (path, bytes) in registers {
            try Durable.makeDirectories((path as NSString).deletingLastPathComponent)
            try Durable.writeFile(at: path, bytes: bytes, replace: true)
        }
        let journal = try session.journal()
        let head = try journal.lastRecord()
        let manifest = YearManifest.make(
            year: year, office: office, agencies: codes.map(\.rawValue),
            closedAt: Timestamp.string(session.now(), in: session.timeZone), closedBy: session.actor,
            reason: session.reason, forced: !waiting.isEmpty, waiting: waiting,
            journal: (head?.sequence ?? 0, head?.hash ?? JournalRecord.genesis),
            signer: (signing.code.rawValue, signing.signer.certificate.subject.description), packets: packets,
            hashes: hashes,
            registers: registers.map { (spool.relative($0.path), SHA256Hasher.hex(of: $0.bytes)) })
        let bytes = JSONWriter.bytes(manifest)
        let signature = try signing.signer.sign(bytes, signingTime: session.now())
        try Durable.writeFile(at: manifestPath, bytes: bytes, replace: true)
        try Durable.writeFile(at: manifestPath + ".p7s", bytes: signature, replace: true)
        let details = JSONValue.object([
            ("year", .integer(Int64(year))), ("office", .bool(office)),
            ("agencies", .array(codes.map { .string($0.rawValue) })),
            ("manifest", .string(spool.relative(manifestPath))), ("sha256", .string(SHA256Hasher.hex(of: bytes))),
            ("packets", .integer(Int64(packets.count))), ("forced", .bool(!waiting.isEmpty)),
            ("waiting", .integer(Int64(waiting.count))), ("signer", .string(signing.code.rawValue)),
        ])
        try journal.append(
            .admin(
                action: LedgerIndex.yearCloseAction, by: session.actor, reason: session.reason,
                target: String(year), details: details))
        try index.catchUp(with: journal)
        try makeReadOnly(folder)
        if office { try makeReadOnly(spool.archive + "/" + String(format: "%04d", year)) }
        Doorbell.ring(spool)
        session.say(
            "Đã khoá sổ năm \(year) — closed: \(packets.count) packets in \(spool.relative(manifestPath)) "
                + "(signed by \(signing.code)), \(registers.count) register files; journaled: admin "
                + "\(LedgerIndex.yearCloseAction) by \(session.actor)")
        return Outcome(
            manifest: spool.relative(manifestPath), packets: packets.count,
            registers: registers.map { spool.relative($0.path) }, alreadyClosed: false)
    }

    /// A year is over once its last day has ended in office time and in UTC (packet ids, and with them the archive
    /// folders, are dated in UTC).
    private func checkOver(_ year: Int) throws {
        guard (1900...9998).contains(year) else {
            throw AdminRefusal(vi: "năm \(year) không hợp lệ.", en: "\(year) is not a year.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let utc = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!
        calendar.timeZone = session.timeZone
        let local = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!
        let end = max(utc, local)
        guard session.now() >= end else {
            throw AdminRefusal(
                vi: "năm \(year) chưa kết thúc (khoá sổ được từ \(Timestamp.vietnamese(end, in: session.timeZone))).",
                en: "\(year) is not over yet (it can be closed from \(Timestamp.string(end, in: session.timeZone))).")
        }
    }

    /// Drops of the year being turned into packets right now (claimed, not yet archived) would be left out of the
    /// manifest. (A claim stays while its deliveries wait: those are known to the index, and checked as waiting.)
    private func checkNoClaims(_ year: Int, _ directory: AgencyDirectory, _ index: LedgerIndex) throws {
        let paths = WorkPaths(spool: spool)
        let prefix = String(format: "%04d", year)
        for code in directory.agencies.keys {
            let entries = (try? Directory.entries(paths.claims(code))) ?? []
            let inHand = try entries.contains { entry in
                guard entry.kind == .directory, let name = entry.name.string, name.hasPrefix(prefix),
                    PacketID(name) != nil
                else { return false }
                return try !index.hasPacket(name)
            }
            if inHand {
                throw AdminRefusal(
                    vi: "hệ thống đang xử lý văn bản của \(code); chạy lại sau ít phút.",
                    en: "the office is working on drops of \(code); run again in a few minutes.")
            }
        }
    }

    private func alreadyClosed(_ year: Int, _ done: ClosedYear, office: Bool) throws -> Outcome {
        session.say(
            "Năm \(year) đã khoá sổ lúc \(done.closedAt) — \(year) is already closed (\(done.manifest)); nothing to do")
        if !session.dryRun {
            // A close stopped before its folders were made read-only is finished here.
            try makeReadOnly(spool.path((done.manifest as NSString).deletingLastPathComponent))
            if office { try makeReadOnly(spool.archive + "/" + String(format: "%04d", year)) }
        }
        return Outcome(manifest: done.manifest, packets: 0, registers: [], alreadyClosed: true)
    }

    /// The SHA-256 of every packet's archive file and sidecar, each compared with what was recorded when it was
    /// archived: a year does not close over a packet that changed since.
    private func hashPackets(_ packets: [YearPacket]) throws -> [String: YearManifest.Entry] {
        var hashes: [String: YearManifest.Entry] = [:]
        var tenth = 0
        for (done, packet) in packets.enumerated() {
            let sidecar = (packet.archivePath as NSString).deletingPathExtension + ".json"
            let archiveHash: String
            let sidecarHash: String
            do {
                archiveHash = try FileDigest.sha256(spool.path(packet.archivePath)).sha256
                sidecarHash = try FileDigest.sha256(spool.path(sidecar)).sha256
            } catch {
                throw AdminRefusal(
                    vi: "không đọc được gói \(packet.packetId) (\(packet.archivePath)): \(error).",
                    en: "packet \(packet.packetId) (\(packet.archivePath)) cannot be read: \(error).",
                    advice: "Chạy lienthong archive verify --all — run lienthong archive verify --all.")
            }
            if let recorded = packet.sha256, recorded != archiveHash {
                throw AdminRefusal(
                    vi: "gói \(packet.packetId) đã bị thay đổi sau khi lưu trữ.",
                    en: "packet \(packet.packetId) changed since it was archived.",
                    advice: "Chạy lienthong archive verify --all — run lienthong archive verify --all.")
            }
            hashes[packet.packetId] = YearManifest.Entry(
                packetId: packet.packetId, archive: packet.archivePath, sha256: archiveHash, sidecar: sidecar,
                sidecarSha256: sidecarHash)
            if packets.count >= 100, (done + 1) * 10 / packets.count > tenth {
                tenth = (done + 1) * 10 / packets.count
                session.say("  hashed \(done + 1)/\(packets.count) packets")
            }
        }
        return hashes
    }

    /// The final registers of each agency: outgoing and incoming, ordinary and secret, as HTML (bound on paper) and
    /// CSV, each closed with the line that says the year is closed.
    private func registers(
        _ year: Int, folders: [(String, AgencyCode)], directory: AgencyDirectory, index: LedgerIndex
    ) throws -> [(path: String, bytes: [UInt8])] {
        let builder = RegisterBuilder(
            spool: spool, index: index, calendar: WorkingCalendar(session.config.calendar),
            names: directory.agencies.mapValues(\.name))
        let line =
            "Sổ đã khoá ngày \(Timestamp.vietnamese(session.now(), in: session.timeZone)): năm \(year) kết thúc "
            + "(khoá sổ bởi \(session.actor))."
        var files: [(path: String, bytes: [UInt8])] = []
        for (folder, code) in folders {
            guard let agency = directory.agencies[code] else { continue }
            for secret in [false, true] {
                let mark = secret ? "-mat" : ""
                let outgoing = try builder.outgoing(agency: code, year: year, secret: secret)
                let incoming = try builder.incoming(agency: code, year: year, secret: secret)
                let registers: [(RegisterKind, String, [String], [[String]], [[String: Any]])] = [
                    (.outgoing, "di", OutgoingRow.headings, outgoing.map(\.columns), outgoing.map(\.context)),
                    (.incoming, "den", IncomingRow.headings, incoming.map(\.columns), incoming.map(\.context)),
                ]
                for (kind, name, headings, rows, contexts) in registers {
                    let stem = folder + "/so-van-ban-\(name)\(mark)"
                    files.append((stem + ".csv", RegisterWriter.csv(headings: headings, rows: rows)))
                    files.append(
                        (
                            stem + ".html",
                            try RegisterPage.render(
                                kind, secret: secret, agency: agency, year: year, rows: contexts, closed: line,
                                spool: spool)
                        ))
                }
            }
        }
        return files
    }

    /// Files read-only (0444), folders 0555, all the way down.
    private func makeReadOnly(_ path: String) throws {
        guard let entries = try? Directory.entries(path) else { return }
        for entry in entries {
            let child = Directory.join(path, entry.name)
            if entry.kind == .directory {
                guard let name = child.string else { continue }
                try makeReadOnly(name)
            } else {
                _ = child.withCString { chmod($0, 0o444) }
            }
        }
        _ = chmod(path, 0o555)
    }
}
