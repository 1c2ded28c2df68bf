import Accounts
import Archivist
import Foundation
import Hummingbird
import Ledger
import NIOPosix
import Packets

/// `/ho-so`: records (hồ sơ) — the list of an agency's records of a year, one record's App. VI fields and its
/// packets. Archivists and admins make records, set their fields and put packets in or take them out (journaled,
/// by their account); a clerk sees the records of its own agency.
struct RecordRoutes {
    let services: WebServices

    func register(on group: RouterGroup<WebContext>) {
        group.get(.init(WebPaths.records)) { request, context in
            try await list(request.uri.queryParameters, context, message: nil, error: nil)
        }
        group.post(.init(WebPaths.records)) { _, context in try await create(context) }
        group.get(.init(WebPaths.records + "/:code")) { _, context in try await show(context, message: nil, error: nil)
        }
        group.post(.init(WebPaths.records + "/:code")) { _, context in try await update(context) }
        group.post(.init(WebPaths.records + "/:code/van-ban")) { _, context in try await members(context) }
    }

    private func canEdit(_ context: WebContext) -> Bool {
        context.account?.role == .archivist || context.account?.role == .admin
    }

    /// The agency whose records the viewer may see: a clerk only its own.
    private func agency(_ requested: String?, _ context: WebContext) throws -> String {
        if context.account?.role == .clerk {
            guard let own = context.account?.agency else { throw HTTPError(.forbidden) }
            if let requested, requested != own {
                throw HTTPError(.forbidden, message: "Chỉ xem hồ sơ của cơ quan mình")
            }
            return own
        }
        return requested ?? services.desk.names.keys.sorted().first ?? ""
    }

    private func list(
        _ query: some Sequence<(key: Substring, value: Substring)>, _ context: WebContext, message: String?,
        error: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var parameters: [String: String] = [:]
        for (key, value) in query { parameters[String(key)] = String(value).removingPercentEncoding }
        let code = try agency(parameters["agency"], context)
        let year = parameters["year"].flatMap(Int.init) ?? CalendarDate(Date(), in: Timestamp.vietnam).year
        return try await listPage(code, year, context, message: message, error: error, status: status)
    }

    private func listPage(
        _ code: String, _ year: Int, _ context: WebContext, message: String?, error: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let desk = services.desk
        let records = try await NIOThreadPool.singleton.runIfActive {
            try desk.refresh()
            return try desk.index.fileRecords(agency: code, year: year)
        }
        let names = desk.names
        let values: [String: Any] = [
            "message": message ?? "", "error": error ?? "", "agency": code, "agencyName": names[code] ?? "",
            "year": year, "canEdit": canEdit(context), "createAction": WebPaths.records,
            "agencies": names.keys.sorted().map { ["code": $0, "name": names[$0] ?? "", "selected": $0 == code] },
            "records": records.map { record in
                let cells = RecordList.columns(record)
                return [
                    "link": WebPaths.record(record.fileCode), "notation": record.notation, "fileCode": record.fileCode,
                    "title": record.title, "maintenance": record.maintenance, "start": cells[5], "end": cells[6],
                    "docTotal": record.docTotal, "pageTotal": record.pageTotal,
                ] as [String: Any]
            },
        ]
        return services.pages.render(.records, title: "Hồ sơ năm \(year)", values, context: context, status: status)
    }

    private func create(_ context: WebContext) async throws -> Response {
        guard canEdit(context) else { throw HTTPError(.forbidden, message: "Chỉ lưu trữ viên được lập hồ sơ") }
        let form = context.form ?? FormFields("")
        let code = form["agency"] ?? ""
        let year = form["year"].flatMap(Int.init) ?? 0
        guard let agency = AgencyCode(code) else {
            return try await listPage(code, year, context, message: nil, error: "Cần mã cơ quan.", status: .badRequest)
        }
        var fields: [String: String] = [:]
        for (key, _) in FileRecord.fields { if let value = form[key] { fields[key] = value } }
        let desk = RecordDesk(desk: services.desk, actor: context.account?.name ?? "")
        let notation = form["notation"] ?? ""
        let values = fields
        do {
            let record = try await NIOThreadPool.singleton.runIfActive {
                try desk.create(agency: agency, year: year, notation: notation, fields: values)
            }
            return try await listPage(code, year, context, message: "Đã lập hồ sơ \(record.fileCode).", error: nil)
        } catch let refusal as RecordDesk.Refusal {
            return try await listPage(code, year, context, message: nil, error: refusal.vi, status: .badRequest)
        }
    }

    private func fileCode(_ context: WebContext) throws -> String {
        guard let code = context.parameters.get("code")?.removingPercentEncoding else { throw HTTPError(.notFound) }
        return code
    }

    private func show(_ context: WebContext, message: String?, error: String?, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let code = try fileCode(context)
        let desk = services.desk
        let found = try await NIOThreadPool.singleton.runIfActive { () -> (FileRecord, [ArchiveRecord])? in
            try desk.refresh()
            guard let record = try desk.index.fileRecord(code) else { return nil }
            return (record, try desk.index.recordPackets(code).compactMap { try desk.index.record($0) })
        }
        guard let (record, packets) = found else { throw HTTPError(.notFound, message: "Không có hồ sơ \(code)") }
        _ = try agency(record.agency, context)
        let cells = RecordList.columns(record)
        let values: [String: Any] = [
            "message": message ?? "", "error": error ?? "", "fileCode": record.fileCode, "title": record.title,
            "agency": record.agency, "agencyName": desk.names[record.agency] ?? "", "year": record.year,
            "notation": record.notation, "start": cells[5], "end": cells[6], "docTotal": record.docTotal,
            "pageTotal": record.pageTotal, "canEdit": canEdit(context), "action": WebPaths.record(record.fileCode),
            "membersAction": WebPaths.record(record.fileCode) + "/van-ban",
            "listLink": WebPaths.records + "?agency=\(record.agency)&year=\(record.year)",
            "fields": FileRecord.fields.map { key, label in
                ["key": key, "label": label, "value": Mirror(reflecting: record).descendant(key) as? String ?? ""]
            },
            "packets": packets.map { packet in
                [
                    "link": WebPaths.packet(packet.hit.packetId), "packetId": packet.hit.packetId,
                    "number": packet.hit.numberAndNotation, "issued": packet.hit.issuedDate,
                    "subject": packet.hit.secrecy == nil ? packet.hit.subject : "(văn bản mật)",
                ] as [String: Any]
            },
        ]
        return services.pages.render(
            .record, title: record.title.isEmpty ? record.fileCode : record.title, values, context: context,
            status: status)
    }

    private func update(_ context: WebContext) async throws -> Response {
        guard canEdit(context) else { throw HTTPError(.forbidden, message: "Chỉ lưu trữ viên được sửa hồ sơ") }
        let code = try fileCode(context)
        let form = context.form ?? FormFields("")
        var fields: [String: String] = [:]
        for (key, _) in FileRecord.fields { if let value = form.raw(key) { fields[key] = value } }
        let desk = RecordDesk(desk: services.desk, actor: context.account?.name ?? "")
        let values = fields
        do {
            _ = try await NIOThreadPool.singleton.runIfActive { try desk.update(code, fields: values) }
            return try await show(context, message: "Đã lưu.", error: nil)
        } catch let refusal as RecordDesk.Refusal {
            return try await show(context, message: nil, error: refusal.vi, status: .badRequest)
        }
    }

    private func members(_ context: WebContext) async throws -> Response {
        guard canEdit(context) else { throw HTTPError(.forbidden, message: "Chỉ lưu trữ viên được sửa hồ sơ") }
        let code = try fileCode(context)
        let form = context.form ?? FormFields("")
        let packet = (form["packetId"] ?? "").trimmingCharacters(in: .whitespaces)
        let removing = form["action"] == "remove"
        let desk = RecordDesk(desk: services.desk, actor: context.account?.name ?? "")
        do {
            try await NIOThreadPool.singleton.runIfActive {
                removing ? try desk.remove(code, packets: [packet]) : try desk.add(code, packets: [packet])
            }
            return try await show(
                context, message: removing ? "Đã đưa \(packet) ra khỏi hồ sơ." : "Đã đưa \(packet) vào hồ sơ.",
                error: nil)
        } catch let refusal as RecordDesk.Refusal {
            return try await show(context, message: nil, error: refusal.vi, status: .badRequest)
        }
    }
}
