import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import Web

/// Records (hồ sơ) on the web page: an archivist makes one, describes it and puts a packet into it (journaled by
/// account); the packet page says which record it is in; a clerk sees only its own agency's records and edits none.
@Suite struct RecordTests {
    func form(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            key + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
        }.joined(separator: "&")
    }

    @Test func anArchivistMakesARecordDescribesItAndFillsIt() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        let decision = try #require(spool.packetId(number: "125"))
        let year = String(Fixtures.localDate(0).prefix(4))  // the documents' year (Vietnam time)
        try await app.test(.router) { client in
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            let list = try await archivist.get(client, "/ho-so?agency=000.00.00.H53&year=\(year)")
            #expect(list.status == .ok)
            let token = try #require(WebUser.csrf(String(buffer: list.body)))
            let made = try await client.execute(
                uri: "/ho-so", method: .post, headers: archivist.formHeaders,
                body: ByteBuffer(
                    string: form([
                        ("csrf", token), ("agency", "000.00.00.H53"), ("year", year), ("notation", "03-VP"),
                        ("title", "Hồ sơ ban hành quy chế văn bản điện tử"), ("maintenance", "Vĩnh viễn"),
                    ])))
            #expect(made.status == .ok, "\(String(buffer: made.body))")
            #expect(String(buffer: made.body).contains("000.00.00.H53.\(year).03-VP"))
            let code = "/ho-so/000.00.00.H53.\(year).03-VP"
            let added = try await client.execute(
                uri: code + "/van-ban", method: .post, headers: archivist.formHeaders,
                body: ByteBuffer(string: form([("csrf", token), ("packetId", decision)])))
            #expect(added.status == .ok)
            let page = String(buffer: added.body)
            #expect(page.contains("Quyết định") || page.contains("125/UBND"), "\(page)")
            let updated = try await client.execute(
                uri: code, method: .post, headers: archivist.formHeaders,
                body: ByteBuffer(string: form([("csrf", token), ("creator", "Trần Thị C")])))
            #expect(String(buffer: updated.body).contains("Trần Thị C"))
            // The packet page names its record; the journal says who did each.
            let packet = try await archivist.get(client, "/packets/\(decision)")
            #expect(String(buffer: packet.body).contains("000.00.00.H53.\(year).03-VP"))
            let actions = spool.journal.filter { $0.contains("\"record.") }
            #expect(actions.count == 3 && actions.allSatisfy { $0.contains("\"by\":\"luutru\"") }, "\(actions)")

            // A clerk of another agency: not this agency's records, and no editing anywhere.
            let (clerk, _) = try await WebUser.signIn(client, "vanthu02", WebSpool.password)
            let foreign = try await clerk.get(client, "/ho-so?agency=000.00.00.H53&year=\(year)")
            #expect(foreign.status == .forbidden)
            let foreignRecord = try await clerk.get(client, code)
            #expect(foreignRecord.status == .forbidden)
            let own = try await clerk.get(client, "/ho-so?year=\(year)")
            #expect(own.status == .ok && !String(buffer: own.body).contains("Lập hồ sơ"))
            let clerkToken = try #require(WebUser.csrf(String(buffer: own.body)))
            let refused = try await client.execute(
                uri: code, method: .post, headers: clerk.formHeaders,
                body: ByteBuffer(string: form([("csrf", clerkToken), ("title", "sửa trái phép")])))
            #expect(refused.status == .forbidden)
        }
    }

    @Test func aHandedOverPacketIsMarkedInSearchAndOnItsPage() async throws {
        let spool = try WebSpool()
        let report = try #require(spool.packetId(number: "12"))
        let year = String(Fixtures.localDate(0).prefix(4))
        try WebSpool.run([
            "record", "create", "01-BC", "--agency", "000.00.03.H53", "--year", year, "--spool", spool.root,
        ])
        try WebSpool.run(["record", "add", "000.00.03.H53.\(year).01-BC", report, "--spool", spool.root])
        let target = spool.directory.file("luu-tru")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try WebSpool.run([
            "handover", "--agency", "000.00.03.H53", "--year", year, "--to", target, "--spool", spool.root,
        ])
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            let search = String(buffer: try await archivist.get(client, "/?q=thu+hoach").body)
            #expect(search.contains("Đã nộp lưu"), "\(search)")
            let page = String(buffer: try await archivist.get(client, "/packets/\(report)").body)
            #expect(page.contains("Đã nộp lưu vào Lưu trữ cơ quan") && page.contains("000.00.03.H53.\(year).01-BC"))
            // The other packets are not marked.
            let other = String(buffer: try await archivist.get(client, "/?q=quy+che").body)
            #expect(other.contains("Quyết định") && !other.contains("Đã nộp lưu"), "\(other)")
        }
    }
}
