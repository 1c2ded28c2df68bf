import DurableIO
import Foundation
import Ledger
import Packets
import Spool

/// Records (hồ sơ, Decree 30/2020 Art 28, App. VI) as archivists keep them: made, described with the App. VI
/// record-level fields, and filled with packets; each change journaled (an `admin` record `record.*` naming who),
/// the same from the command line and the web page.
public struct RecordDesk: Sendable {
    public let desk: ArchiveDesk
    /// Who acts (a web account, or the system user on the command line).
    public let actor: String

    public init(desk: ArchiveDesk, actor: String) {
        self.desk = desk
        self.actor = actor
    }

    /// Why a record change is refused, in Vietnamese then English.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let vi: String
        public let en: String
        public var description: String { "Từ chối: \(vi)\nRefused: \(en)" }
    }

    /// Makes the record `notation` in `agency`'s list of `year`, with `fields` (`FileRecord.fields` keys).
    @discardableResult
    public func create(agency: AgencyCode, year: Int, notation: String, fields: [String: String]) throws
        -> FileRecord
    {
        let notation = notation.precomposedStringWithCanonicalMapping
        guard FileRecord.isValidNotation(notation) else {
            throw Refusal(
                vi: "ký hiệu hồ sơ \"\(notation)\" chỉ được gồm chữ, số, '-', '_', '.' (tối đa 40 ký tự).",
                en: "record notation \"\(notation)\" may hold only letters, digits, '-', '_', '.' (at most 40).")
        }
        guard desk.directory.agencies[agency] != nil else {
            throw Refusal(vi: "không có cơ quan \(agency).", en: "no agency \(agency).")
        }
        guard (1900...9999).contains(year) else {
            throw Refusal(vi: "năm \(year) không hợp lệ.", en: "bad year \(year).")
        }
        let fileCode = FileRecord.code(agency: agency.rawValue, year: year, notation: notation)
        if let existing = try desk.index.fileRecord(fileCode) {
            // A record a clerk's sidecar named is there already: making it is describing it.
            guard existing.createdBy == "sidecar" else {
                throw Refusal(vi: "hồ sơ \(fileCode) đã có.", en: "record \(fileCode) exists already.")
            }
            return try update(fileCode, fields: fields)
        }
        let values = try checked(fields)
        var details: [(String, JSONValue)] = [
            ("agency", .string(agency.rawValue)), ("year", .integer(Int64(year))), ("notation", .string(notation)),
        ]
        for (key, _) in FileRecord.fields { if let value = values[key] { details.append((key, .string(value))) } }
        try journal(LedgerIndex.RecordAction.create, fileCode, .object(details))
        return try desk.index.fileRecord(fileCode)!
    }

    /// Sets record-level fields of `fileCode`.
    @discardableResult
    public func update(_ fileCode: String, fields: [String: String]) throws -> FileRecord {
        let record = try existing(fileCode)
        let values = try checked(fields)
        // Retention may be extended, never shortened (Circular 10/2022/TT-BNV; lienthong retention extend).
        if let text = values["maintenance"], let current = Retention(record.maintenance) {
            guard let wanted = Retention(text), wanted >= current else {
                throw Refusal(
                    vi: "thời hạn bảo quản chỉ được kéo dài, không được rút ngắn (hiện là \(current)).",
                    en: "retention may be extended, never shortened (it is \(current) now).")
            }
        }
        if let text = values["maintenance"], !text.isEmpty, Retention(text) == nil {
            throw Refusal(
                vi: "thời hạn bảo quản \"\(text)\": cần \"Vĩnh viễn\" hoặc \"N năm\".",
                en: "retention \"\(text)\": expected \"Vĩnh viễn\" or \"N năm\".")
        }
        guard !values.isEmpty else { return try existing(fileCode) }
        let details = FileRecord.fields.compactMap { key, _ in values[key].map { (key, JSONValue.string($0)) } }
        try journal(LedgerIndex.RecordAction.update, fileCode, .object(details))
        return try existing(fileCode)
    }

    /// Puts packets into `fileCode` (taking them out of the record they were in). Only packets its agency sent or
    /// received.
    public func add(_ fileCode: String, packets: [String]) throws {
        let record = try existing(fileCode)
        for packet in packets {
            guard let found = try desk.index.record(packet) else {
                throw Refusal(vi: "không có gói tin \(packet).", en: "no packet \(packet).")
            }
            guard found.hit.sender == record.agency || found.hit.recipients.contains(record.agency) else {
                throw Refusal(
                    vi: "gói tin \(packet) không do \(record.agency) gửi hay nhận.",
                    en: "packet \(packet) was neither sent nor received by \(record.agency).")
            }
        }
        try journal(
            LedgerIndex.RecordAction.add, fileCode, .object([("packets", .array(packets.map(JSONValue.string)))]))
    }

    /// Takes packets out of `fileCode`.
    public func remove(_ fileCode: String, packets: [String]) throws {
        _ = try existing(fileCode)
        let inside = Set(try desk.index.recordPackets(fileCode))
        for packet in packets where !inside.contains(packet) {
            throw Refusal(
                vi: "gói tin \(packet) không ở trong hồ sơ \(fileCode).", en: "\(packet) is not in \(fileCode).")
        }
        try journal(
            LedgerIndex.RecordAction.remove, fileCode, .object([("packets", .array(packets.map(JSONValue.string)))]))
    }

    /// The record, or a refusal naming it.
    public func existing(_ fileCode: String) throws -> FileRecord {
        guard let record = try desk.index.fileRecord(fileCode) else {
            throw Refusal(vi: "không có hồ sơ \(fileCode).", en: "no record \(fileCode).")
        }
        return record
    }

    private func checked(_ fields: [String: String]) throws -> [String: String] {
        let known = Set(FileRecord.fields.map(\.key))
        var values: [String: String] = [:]
        for (key, value) in fields {
            guard known.contains(key) else {
                throw Refusal(
                    vi: "không có trường \(key).", en: "no field \(key) (\(known.sorted().joined(separator: ", "))).")
            }
            let text = value.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
            guard text.count <= 2000 else { throw Refusal(vi: "\(key) quá dài.", en: "\(key) is too long.") }
            values[key] = text
        }
        return values
    }

    private func journal(_ action: String, _ fileCode: String, _ details: JSONValue) throws {
        let journal = try Journal(path: desk.spool.state + "/journal.jsonl")
        try journal.append(.admin(action: action, by: actor, reason: "", target: fileCode, details: details))
        try desk.index.catchUp(with: journal)
    }
}

/// The list of records of a year (danh mục hồ sơ, Decree 30/2020 Art 28) and a record's own page, for print.
public enum RecordList {
    /// The CSV columns.
    public static let headings = [
        "Số và ký hiệu hồ sơ", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn bảo quản", "Người lập hồ sơ",
        "Thời gian bắt đầu", "Thời gian kết thúc", "Số lượng văn bản", "Số lượng trang", "Chế độ sử dụng", "Ghi chú",
    ]

    static func date(_ text: String?) -> String {
        guard let text, let date = CalendarDate(iso: text) else { return "" }
        return date.vietnamese
    }

    /// One row's cells.
    public static func columns(_ record: FileRecord) -> [String] {
        [
            record.notation, record.fileCode, record.title, record.maintenance, record.creator,
            date(record.startDate), date(record.endDate), String(record.docTotal), String(record.pageTotal),
            record.rights, record.description,
        ]
    }

    /// The list as CSV (UTF-8 with a byte order mark, as the registers).
    public static func csv(_ records: [FileRecord]) -> [UInt8] {
        var lines = [headings.map(cell).joined(separator: ",")]
        lines += records.map { columns($0).map(cell).joined(separator: ",") }
        return [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func cell(_ text: String) -> String {
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The list as a printable page (`Templates/record-list.html.mustache`).
    public static func html(_ records: [FileRecord], agency: AgencyConfig, year: Int, spool: SpoolLayout) throws
        -> [UInt8]
    {
        let template = try PageTemplate.load("record-list.html.mustache", spool: spool)
        let rows: [[String: Any]] = records.map { record in
            let cells = columns(record)
            return [
                "notation": cells[0], "fileCode": cells[1], "title": cells[2], "maintenance": cells[3],
                "creator": cells[4], "start": cells[5], "end": cells[6], "docTotal": cells[7], "pageTotal": cells[8],
                "rights": cells[9], "description": cells[10],
            ]
        }
        let html = template.render([
            "agency": agency.code.rawValue, "agencyName": agency.name, "year": year, "count": records.count,
            "rows": rows,
        ])
        return Array(html.precomposedStringWithCanonicalMapping.utf8)
    }
}
