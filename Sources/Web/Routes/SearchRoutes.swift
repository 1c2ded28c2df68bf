import Foundation
import Hummingbird
import Ledger
import NIOPosix
import Packets

/// The search page (`/`, also `/search`) and its JSON twin (`/api/search`), both limited to what the account may see.
struct SearchRoutes {
    let services: WebServices

    func register(on group: RouterGroup<WebContext>) {
        for path in [WebPaths.search, "/search"] {
            group.get(.init(path)) { request, context in try await page(request, context) }
        }
        group.get(.init(WebPaths.apiSearch)) { request, context in try await api(request, context) }
    }

    private func results(_ search: SearchRequest, _ context: WebContext) async throws -> ArchiveResults {
        guard let account = context.account else { throw HTTPError(.unauthorized) }
        try await services.refreshArchive()
        let query = Viewer(account: account, spool: services.settings.spool).scoped(
            search.query(pageSize: services.settings.pageSize))
        let desk = services.desk
        return try await NIOThreadPool.singleton.runIfActive { try desk.index.search(query) }
    }

    private func page(_ request: Request, _ context: WebContext) async throws -> Response {
        let search = SearchRequest(query: request.uri.query)
        let found = try await results(search, context)
        let pageSize = services.settings.pageSize
        let pages = max(1, (found.total + pageSize - 1) / pageSize)
        var values = search.values
        values["total"] = found.total
        let names = services.desk.names
        // Handed over to the agency archive: said in the result line.
        let index = services.desk.index
        let ids = found.hits.map(\.packetId)
        let (handed, destroyed) = try await NIOThreadPool.singleton.runIfActive {
            (try index.handedOver(ids), try index.tombstones(ids))
        }
        values["hits"] = found.hits.map { hit in
            var row = Self.row(hit, names: names)
            if let tombstone = destroyed[hit.packetId] {
                row["destroyed"] =
                    "Đã huỷ (\(tombstone.disposal)) "
                    + (Timestamp.parse(tombstone.at).map { Timestamp.vietnamese($0) } ?? "")
            }
            if let handover = handed[hit.packetId] {
                row["handedOver"] =
                    "Đã nộp lưu " + (Timestamp.parse(handover.at).map { Timestamp.vietnamese($0) } ?? "")
            }
            return row
        }
        values["hasHits"] = !found.hits.isEmpty
        values["page"] = search.page
        values["pages"] = pages
        values["first"] = found.hits.isEmpty ? 0 : (search.page - 1) * pageSize + 1
        values["last"] = (search.page - 1) * pageSize + found.hits.count
        if search.page > 1 { values["previous"] = search.link(page: search.page - 1) }
        if search.page < pages { values["next"] = search.link(page: search.page + 1) }
        return services.pages.render(.search, title: "Tra cứu văn bản", values, context: context)
    }

    private func api(_ request: Request, _ context: WebContext) async throws -> Response {
        let found = try await results(SearchRequest(query: request.uri.query), context)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(found))))
    }

    /// One result line for the template.
    static func row(_ hit: ArchiveHit, names: [String: String]) -> [String: Any] {
        [
            "link": WebPaths.packet(hit.packetId), "packetId": hit.packetId, "number": hit.numberAndNotation,
            "issuedDate": PacketPage.day(hit.issuedDate), "typeName": hit.typeName, "subject": hit.subject,
            "sender": hit.senderName.isEmpty ? hit.sender : hit.senderName,
            "recipients": hit.recipients.map { names[$0] ?? $0 }.joined(separator: "; "),
            "priority": Priority(rawValue: hit.priority)?.label ?? hit.priority,
            "urgent": hit.priority != Priority.thuong.rawValue,
            "secret": SecrecyMark.mark(hit.secrecy) ?? "",
        ]
    }
}

/// The mark of a secret document, as printed on it: "MẬT", "TỐI MẬT", "TUYỆT MẬT".
enum SecrecyMark {
    static func mark(_ secrecy: String?) -> String? {
        secrecy.flatMap { Secrecy(rawValue: $0) }.map { $0.label.uppercased(with: Locale(identifier: "vi_VN")) }
    }
}
