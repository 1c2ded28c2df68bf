import Archivist
import DurableIO
import Foundation
import Ledger
import Packets
import Registers
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong handover --agency CODE --year YYYY --to DIR`: the hand-over of an agency's records of a year to its
/// archive (nộp lưu, Decree 30/2020 Art 30, the Law on Archives 33/2024/QH15). One BagIt bag (RFC 8493) holding
/// every record's packets unchanged with their sidecars (`data/ho-so/<notation>/`), the list of App. V ("Mục lục hồ
/// sơ, tài liệu nộp lưu", 7 columns, HTML and CSV), the minute pre-filled ("Biên bản giao nhận": records, computer
/// files, total size, condition = every packet's fixity), the App. VI record-level metadata as JSON, and the
/// payload manifest signed (`manifest-sha256.txt.p7s`, detached CMS). Written under a hidden name and renamed when
/// complete; journaled (`admin handover`), after which the packets are marked handed over.
public struct Handover {
    public let session: AdminSession
    /// The agency whose key signs the manifest (default: the agency handing over, else the first with a key).
    public var signer: AgencyCode?

    public init(session: AdminSession) {
        self.session = session
    }

    /// What a hand-over wrote.
    public struct Outcome: Sendable {
        public var bag: String
        public var records: Int
        public var packets: Int
        public var intact: Bool
    }

    var spool: SpoolLayout { session.spool }

    /// The App. V list's columns.
    public static let listHeadings = [
        "Số TT", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian tài liệu", "Thời hạn bảo quản", "Số tờ/số trang",
        "Ghi chú",
    ]

    public func handOver(agency: AgencyCode, year: Int, records named: [String]?, to target: String) throws -> Outcome {
        let index = try session.index()
        let directory = try session.directory()
        guard let config = directory.agencies[agency] else {
            throw AdminRefusal(vi: "không có cơ quan \(agency).", en: "no agency \(agency).")
        }
        let base = try OutputFiles.writableFolder(target, shown: target)
        var records = try index.fileRecords(agency: agency.rawValue, year: year)
        if let named {
            let wanted = Set(named)
            let unknown = wanted.subtracting(records.flatMap { [$0.fileCode, $0.notation] })
            guard unknown.isEmpty else {
                throw AdminRefusal(
                    vi: "không có hồ sơ \(unknown.sorted().joined(separator: ", ")) trong năm \(year) của \(agency).",
                    en: "no record \(unknown.sorted().joined(separator: ", ")) in \(agency)'s list of \(year).")
            }
            records = records.filter { wanted.contains($0.fileCode) || wanted.contains($0.notation) }
        }
        records = records.filter { $0.docTotal > 0 }
        guard !records.isEmpty else {
            throw AdminRefusal(
                vi: "\(agency) không có hồ sơ nào có văn bản trong năm \(year).",
                en: "\(agency) has no record with documents in \(year).",
                advice:
                    "Lập hồ sơ và đưa văn bản vào (lienthong record) — make records and fill them (lienthong record).")
        }
        let done = try records.compactMap { record in try index.handover(of: record.fileCode).map { (record, $0) } }
        guard done.isEmpty else {
            throw AdminRefusal(
                vi: "đã nộp lưu: "
                    + done.map { "\($0.0.fileCode) (\($0.1.at))" }.joined(separator: ", ") + ".",
                en: "handed over already: " + done.map { "\($0.0.fileCode) → \($0.1.bag)" }.joined(separator: ", "),
                advice: "Chọn hồ sơ khác bằng --records — choose others with --records.")
        }
        let members = try records.map { record in (record, try index.recordPackets(record.fileCode)) }
        let packetCount = members.reduce(0) { $0 + $1.1.count }
        let stamp = Self.stamp(session.now(), session.timeZone)
        let name = "nop-luu-\(agency.rawValue)-\(year)-\(stamp)"
        let bag = base + "/" + name
        session.say(
            "Nộp lưu — hand-over: \(records.count) hồ sơ, \(packetCount) gói tin của \(agency) năm \(year) → \(bag)")
        if session.dryRun {
            session.say("--dry-run: nothing changed. Would:")
            for (record, packets) in members {
                session.say("  \(record.fileCode): \(packets.count) packets → data/ho-so/\(record.notation)/")
            }
            session.say("  write the list, the minute, ho-so.json, the manifests and their signature")
            session.say("  append to the journal: admin \(LedgerIndex.handoverAction) \(agency)")
            return Outcome(bag: bag, records: records.count, packets: packetCount, intact: true)
        }
        guard !FileManager.default.fileExists(atPath: bag) else {
            throw AdminRefusal(vi: "\(bag) đã có.", en: "\(bag) exists already.")
        }
        // Every packet checked first (hash, signature, sidecar): the minute states what was found.
        let desk = try ArchiveDesk(spool: spool)
        let ids = members.flatMap(\.1)
        let fixity = try desk.fixity(ids)
        let problems = Dictionary(grouping: fixity.changed + fixity.missing, by: \.packetId)
        let staging = base + "/." + name + ".part"
        if FileManager.default.fileExists(atPath: staging) { try FileManager.default.removeItem(atPath: staging) }
        try Durable.makeDirectories(staging + "/data/ho-so")
        var payload: [(path: String, sha256: String)] = []
        var written: [String] = []
        var bytes: Int64 = 0
        var documents = 0
        var recordValues: [JSONValue] = []
        for (record, packets) in members {
            let folder = "data/ho-so/" + record.notation
            try Durable.makeDirectories(staging + "/" + folder)
            var packetValues: [JSONValue] = []
            for id in packets {
                guard let archived = try index.record(id) else { continue }
                documents += archived.files.count
                let sidecar = (archived.archivePath as NSString).deletingPathExtension + ".json"
                for source in [archived.archivePath, sidecar] {
                    let relative = folder + "/" + (source as NSString).lastPathComponent
                    let copied = try OutputFiles.copy(spool.path(source), to: staging + "/" + relative, mode: 0o644)
                    payload.append((relative, copied.sha256))
                    written.append(staging + "/" + relative)
                    bytes += copied.size
                }
                packetValues.append(
                    .object([
                        ("packetId", .string(id)), ("number", .string(archived.hit.numberAndNotation)),
                        ("issuedDate", .string(archived.hit.issuedDate)), ("sha256", .string(archived.sha256 ?? "")),
                        ("file", .string(folder + "/" + (archived.archivePath as NSString).lastPathComponent)),
                        ("condition", .string(problems[id].map { $0.map(\.kind).joined(separator: ", ") } ?? "intact")),
                    ]))
            }
            recordValues.append(Self.metadata(record, packets: packetValues))
        }
        let intact = problems.isEmpty
        let checkedAt = Timestamp.vietnamese(session.now(), in: session.timeZone)
        let condition =
            intact
            ? "Toàn vẹn: cả \(packetCount) gói tin đúng mã SHA-256 đã ghi khi lưu trữ và chữ ký số hợp lệ (kiểm tra lúc \(checkedAt))."
            : "\(problems.count)/\(packetCount) gói tin KHÔNG toàn vẹn (kiểm tra lúc \(checkedAt)): "
                + problems.keys.sorted().map { "\($0) (\(problems[$0]!.map(\.kind).joined(separator: ", ")))" }
                .joined(separator: "; ") + "."
        // The list (App. V), the minute, the record-level metadata.
        let rows: [[String]] = records.enumerated().map { position, record in
            let cells = RecordList.columns(record)
            let span = cells[5] == cells[6] ? cells[5] : "\(cells[5]) – \(cells[6])"
            return [
                String(position + 1), record.notation, record.title, span, record.maintenance,
                record.pageTotal > 0 ? "\(record.pageTotal) trang" : "", "Hồ sơ điện tử: \(record.docTotal) văn bản",
            ]
        }
        let facts: [String: Any] = [
            "agency": agency.rawValue, "agencyName": config.name, "year": year, "date": checkedAt,
            "records": records.count, "packets": packetCount, "files": payload.count, "documents": documents,
            "size": OutputFiles.sizeText(bytes), "condition": condition, "intact": intact,
            "start": RecordList.columns(records.min { ($0.startDate ?? "") < ($1.startDate ?? "") }!)[5],
            "end": RecordList.columns(records.max { ($0.endDate ?? "") < ($1.endDate ?? "") }!)[6],
            "rows": rows.map { cells in
                Dictionary(
                    uniqueKeysWithValues: zip(
                        ["n", "notation", "title", "span", "maintenance", "pages", "notes"], cells))
            },
        ]
        let listHTML = try render("handover-list.html.mustache", facts)
        let minuteHTML = try render("handover-minute.html.mustache", facts)
        let documentsJSON = JSONWriter.bytes(
            .object([
                ("agency", .string(agency.rawValue)), ("agencyName", .string(config.name)),
                ("year", .integer(Int64(year))), ("records", .array(recordValues)),
            ]))
        let tables: [(String, [UInt8])] = [
            ("data/muc-luc-ho-so.csv", RegisterWriter.csv(headings: Self.listHeadings, rows: rows)),
            ("data/muc-luc-ho-so.html", listHTML), ("data/bien-ban-giao-nhan.html", minuteHTML),
            ("data/ho-so.json", documentsJSON),
        ]
        for (relative, content) in tables {
            try Durable.writeUnsynced(at: staging + "/" + relative, bytes: content)
            payload.append((relative, SHA256Hasher.hex(of: content)))
            written.append(staging + "/" + relative)
            bytes += Int64(content.count)
        }
        // The bag's own files: declaration, info, manifest, its signature, the tag manifest.
        let manifest = BagIt.manifest(payload)
        let signing = try OfficeSigner.identity(preferring: signer ?? agency, directory: directory)
        let signature = try signing.signer.sign(manifest, signingTime: session.now())
        let info = BagIt.bagInfo([
            ("Source-Organization", config.name), ("Organization-Identifier", agency.rawValue),
            ("External-Identifier", name),
            ("Bagging-Date", CalendarDate(session.now(), in: session.timeZone).description),
            (
                "Payload-Oxum",
                "\(payload.reduce(Int64(0)) { $0 + OutputFiles.size(staging + "/" + $1.path) }).\(payload.count)"
            ),
            ("Bag-Size", OutputFiles.sizeText(bytes)),
            ("Internal-Sender-Description", "Hồ sơ năm \(year) của \(config.name) nộp lưu vào Lưu trữ cơ quan"),
        ])
        var tags: [(path: String, sha256: String)] = []
        for (relative, content) in [
            (BagIt.declarationName, BagIt.declaration), (BagIt.bagInfoName, info), (BagIt.manifestName, manifest),
            (BagIt.manifestName + ".p7s", signature),
        ] {
            try Durable.writeUnsynced(at: staging + "/" + relative, bytes: content)
            tags.append((relative, SHA256Hasher.hex(of: content)))
            written.append(staging + "/" + relative)
        }
        try Durable.writeUnsynced(at: staging + "/" + BagIt.tagManifestName, bytes: BagIt.manifest(tags))
        written.append(staging + "/" + BagIt.tagManifestName)
        try Durable.syncAll(written)
        try OutputFiles.syncFolders(staging)
        guard rename(staging, bag) == 0 else { throw FileError("rename", path: "\(staging) -> \(bag)") }
        try Durable.syncDirectory(base)
        let journal = try session.journal()
        try journal.append(
            .admin(
                action: LedgerIndex.handoverAction, by: session.actor, reason: session.reason, target: agency.rawValue,
                details: .object([
                    ("agency", .string(agency.rawValue)), ("year", .integer(Int64(year))), ("bag", .string(bag)),
                    (
                        "records",
                        .array(
                            members.map { record, packets in
                                .object([
                                    ("fileCode", .string(record.fileCode)),
                                    ("packets", .array(packets.map(JSONValue.string))),
                                ])
                            })
                    ),
                    ("packets", .integer(Int64(packetCount))), ("files", .integer(Int64(payload.count))),
                    ("bytes", .integer(bytes)), ("manifestSha256", .string(SHA256Hasher.hex(of: manifest))),
                    ("intact", .bool(intact)), ("signer", .string(signing.code.rawValue)),
                ])))
        try index.catchUp(with: journal)
        session.say(
            "Đã nộp lưu — handed over: \(records.count) records, \(packetCount) packets, \(payload.count) files, "
                + "\(OutputFiles.sizeText(bytes)) in \(bag)" + (intact ? "" : " — NOT ALL INTACT: see the minute")
                + "; journaled: admin \(LedgerIndex.handoverAction) by \(session.actor)")
        return Outcome(bag: bag, records: records.count, packets: packetCount, intact: intact)
    }

    /// The App. VI record-level metadata of one record.
    static func metadata(_ record: FileRecord, packets: [JSONValue]) -> JSONValue {
        .object([
            ("FileCode", .string(record.fileCode)), ("OrganId", .string(record.agency)),
            ("FileCatalog", .integer(Int64(record.year))), ("FileNotation", .string(record.notation)),
            ("Title", .string(record.title)), ("Maintenance", .string(record.maintenance)),
            ("Rights", .string(record.rights)), ("Creator", .string(record.creator)),
            ("Language", .string(record.language)), ("StartDate", .string(record.startDate ?? "")),
            ("EndDate", .string(record.endDate ?? "")), ("DocTotal", .integer(Int64(record.docTotal))),
            ("PageTotal", .integer(Int64(record.pageTotal))), ("Description", .string(record.description)),
            ("packets", .array(packets)),
        ])
    }

    func render(_ name: String, _ values: [String: Any]) throws -> [UInt8] {
        let html = try PageTemplate.load(name, spool: spool).render(values)
        return Array(html.precomposedStringWithCanonicalMapping.utf8)
    }

    static func stamp(_ date: Date, _ timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

}
