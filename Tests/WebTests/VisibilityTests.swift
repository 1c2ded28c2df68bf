import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Web

@Suite("Web visibility: agencies, secrecy grants, accent-insensitive search, downloads")
struct VisibilityTests {
    @Test("A clerk cannot open another agency's packet by URL (404) and does not find it")
    func clerkScope() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        let own = try #require(spool.packetId(number: "125"))
        let other = try #require(spool.packetId(number: "12"))
        try await app.test(.router) { client in
            let (clerk, _) = try await WebUser.signIn(client, "vanthu02", WebSpool.password)
            #expect(try await clerk.get(client, "/packets/\(own)").status == .ok)
            let guessed = try await clerk.get(client, "/packets/\(other)")
            #expect(guessed.status == .notFound)
            #expect(try await clerk.get(client, "/packets/20260101-000000-000-AAAAAAAAAA").status == .notFound)
            #expect(
                try await clerk.get(client, "/packets/\(other)/files/C%C3%B4ng%20v%C4%83n%2012.pdf").status == .notFound
            )
            let found = String(buffer: try await clerk.get(client, "/api/search").body)
            #expect(found.contains(own))
            #expect(!found.contains(other))
            let page = String(buffer: try await clerk.get(client, "/?q=dong+hung").body)
            #expect(page.contains("Tìm thấy <strong>0</strong>"))
        }
    }

    @Test("Secret documents need a grant; every view and download of one is journaled")
    func secrecy() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        let secret = try #require(spool.packetId(number: "7"))
        try await app.test(.router) { client in
            let (plain, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            #expect(!String(buffer: try await plain.get(client, "/api/search?q=bao+ve+bi+mat").body).contains(secret))
            #expect(try await plain.get(client, "/packets/\(secret)").status == .notFound)
            #expect(!spool.journal.contains { $0.contains("\"accessed\"") })

            let (granted, _) = try await WebUser.signIn(client, "luutrumat", WebSpool.password)
            #expect(String(buffer: try await granted.get(client, "/api/search?q=bao+ve+bi+mat").body).contains(secret))
            let page = try await granted.get(client, "/packets/\(secret)")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("MẬT"))
            let file = try await granted.get(client, "/packets/\(secret)/files/K%E1%BA%BF%20ho%E1%BA%A1ch%207.pdf")
            #expect(file.status == .ok)
            let accessed = spool.journal.filter { $0.contains("\"event\":\"accessed\"") }
            #expect(accessed.count == 2)
            #expect(accessed.first?.contains("\"user\":\"luutrumat\"") == true)
            #expect(accessed.first?.contains("\"action\":\"view\"") == true)
            #expect(accessed.last?.contains("\"action\":\"download\"") == true)
            #expect(accessed.last?.contains("\"file\":\"Kế hoạch 7.pdf\"") == true)
        }
    }

    @Test("Accent-insensitive search on the web page: quyet dinh, dong hung")
    func accents() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            let decisions = String(buffer: try await archivist.get(client, "/?q=quyet+dinh").body)
            #expect(decisions.contains("Tìm thấy <strong>1</strong>"))
            #expect(decisions.contains("Về việc ban hành quy chế quản lý văn bản điện tử"))
            let dongHung = String(buffer: try await archivist.get(client, "/?q=dong%20hung").body)
            #expect(dongHung.contains("Tìm thấy <strong>1</strong>"))
            #expect(dongHung.contains("Ủy ban nhân dân huyện Đông Hưng"))
            let filtered = String(buffer: try await archivist.get(client, "/?q=&type=cong+van").body)
            #expect(filtered.contains("12/UBND"))
            #expect(!filtered.contains("125/UBND"))
        }
    }

    @Test("A download gives the exact bytes, with the Vietnamese name in filename*")
    func download() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        let id = try #require(spool.packetId(number: "125"))
        try await app.test(.router) { client in
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            let page = String(buffer: try await archivist.get(client, "/packets/\(id)").body)
            let link = "/packets/\(id)/files/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20125.pdf"
            #expect(page.contains(link))
            let file = try await archivist.get(client, link)
            #expect(file.status == .ok)
            #expect(Array(file.body.readableBytesView) == spool.decisionBytes)
            #expect(
                file.headers[.contentDisposition]?.contains(
                    "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20125.pdf") == true)
            #expect(try await archivist.get(client, "/packets/\(id)/files/khong-co.pdf").status == .notFound)
        }
    }
}
