import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Web

/// What the web UI does when the archive or an account changes behind its back, and with hostile input.
@Suite("Web integrity: swapped packets, changed passwords, stale forms, huge pages")
struct IntegrityTests {
    func archived(_ spool: WebSpool, _ id: String) -> String {
        spool.root + "/archive/\(id.prefix(4))/\(id.dropFirst(4).prefix(2))/\(id).tar"
    }

    @Test("A packet file replaced by another valid packet is neither downloaded nor called valid")
    func swappedPacket() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        let decision = try #require(spool.packetId(number: "125"))
        let letter = try #require(spool.packetId(number: "12"))
        // Another agency's validly signed packet put in place of the Quyết định.
        try FileManager.default.removeItem(atPath: archived(spool, decision))
        try FileManager.default.copyItem(atPath: archived(spool, letter), toPath: archived(spool, decision))
        try await app.test(.router) { client in
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            let file = try await archivist.get(
                client, "/packets/\(decision)/files/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20125.pdf")
            #expect(file.status == .conflict)
            #expect(!String(buffer: file.body).contains("%PDF"))
            #expect(String(buffer: file.body).contains("mã băm"), "\(String(buffer: file.body))")
            let page = try await archivist.get(client, "/packets/\(decision)")
            let token = try #require(WebUser.csrf(String(buffer: page.body)))
            let verdict = try await client.execute(
                uri: "/packets/\(decision)/kiem-tra", method: .post, headers: archivist.formHeaders,
                body: ByteBuffer(string: "csrf=\(token)"))
            #expect(String(buffer: verdict.body).contains("KHÔNG HỢP LỆ"), "\(String(buffer: verdict.body))")
            // The check is remembered: the page says so on the next visit, and the journal has it.
            let later = String(buffer: try await archivist.get(client, "/packets/\(decision)").body)
            #expect(later.contains("Lần kiểm tra gần nhất") && later.contains("KHÔNG HỢP LỆ"), "\(later)")
            #expect(spool.journal.contains { $0.contains("\"verified\"") && $0.contains(decision) })
        }
    }

    @Test("A new password ends the sessions opened with the old one")
    func passwordChangeEndsSessions() async throws {
        let spool = try WebSpool()
        let services = try spool.services()
        let app = Application(router: WebApplication.router(services))
        try await app.test(.router) { client in
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            #expect(try await archivist.get(client, "/api/search?q=quyet").status == .ok)
            try AccountStore(path: WebSettings.accountsPath(spool.layout), cost: 4).setPassword(
                "LuuTru", to: "mat-khau-moi-2")
            #expect(try await archivist.get(client, "/api/search?q=quyet").status == .unauthorized)
            let (again, answer) = try await WebUser.signIn(client, "LUUTRU", "mat-khau-moi-2")
            #expect(answer.status == .seeOther, "names are case-insensitive")
            #expect(try await again.get(client, "/api/search?q=quyet").status == .ok)
        }
    }

    @Test("A stale login form, a forged one and a huge page number are answered, not obeyed or crashed on")
    func hostileInput() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            // The login form's token must match its cookie.
            let form = try await client.execute(uri: "/dang-nhap", method: .get)
            let token = try #require(WebUser.csrf(String(buffer: form.body)))
            let forged = try await client.execute(
                uri: "/dang-nhap", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(token)&username=luutru&password=\(WebSpool.password)"))
            #expect(forged.status == .forbidden)
            #expect(
                forged.headers[.contentType]?.hasPrefix("text/html") == true
                    && String(buffer: forged.body).contains("đăng nhập"))
            // A page opened in a sandboxed frame says Origin: null: no login without the token.
            let sandboxed = try await client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "null"],
                body: ByteBuffer(string: "username=luutru&password=\(WebSpool.password)"))
            #expect(sandboxed.status == .forbidden)
            let (archivist, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            for uri in [
                "/?q=quyet&page=9223372036854775807", "/api/search?q=quyet&page=-5",
                "/?q=\(String(repeating: "a", count: 5000))",
                "/?q=%22NEAR(a%20b)%22*%20OR%20body:x&from=2026-99-99",
            ] {
                let answer = try await archivist.get(client, uri)
                #expect(answer.status == .ok, "\(uri): \(answer.status)")
            }
            let unknown = try await archivist.get(client, "/packets/khong-co")
            #expect(unknown.status == .notFound && String(buffer: unknown.body).contains("Không tìm thấy"))
        }
    }
}
