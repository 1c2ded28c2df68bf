import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Web

@Suite("Web access: sessions, passwords, CSRF")
struct AccessTests {
    @Test("No page, API answer or file without a session")
    func noSession() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        let id = try #require(spool.packetId(number: "125"))
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/?q=quyet", method: .get)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/dang-nhap")
            #expect(try await client.execute(uri: "/packets/\(id)", method: .get).status == .seeOther)
            #expect(try await client.execute(uri: "/api/search?q=quyet", method: .get).status == .unauthorized)
            let file = try await client.execute(
                uri: "/packets/\(id)/files/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20125.pdf", method: .get)
            #expect(file.status == .unauthorized)
            #expect(!String(buffer: file.body).contains("PDF"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test("A wrong password is refused; repeated failures make the name wait")
    func wrongPassword() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            let (user, answer) = try await WebUser.signIn(client, "luutru", "sai-mat-khau")
            #expect(answer.status == .unauthorized)
            #expect(String(buffer: answer.body).contains("Sai tên đăng nhập hoặc mật khẩu"))
            #expect(try await user.get(client, "/api/search").status == .unauthorized)
            for _ in 0..<4 { _ = try await WebUser.signIn(client, "luutru", "sai-mat-khau") }
            let (_, throttled) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            #expect(throttled.status == .tooManyRequests)
            let (good, ok) = try await WebUser.signIn(client, "luutrumat", WebSpool.password)
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.setCookie]?.contains("HttpOnly") == true)
            #expect(ok.headers[.setCookie]?.contains("SameSite=Strict") == true)
            #expect(try await good.get(client, "/api/search").status == .ok)
        }
    }

    @Test("Wrong passwords sent in parallel are throttled like ones sent in turn")
    func parallelGuesses() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await WebUser.signIn(client, "luutru", "doan-mo-\(Int.random(in: 0...99999))").1.status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each attempt counts from the moment it starts: at most five reach the password check.
            #expect(statuses.filter { $0 == .unauthorized }.count <= 5, "\(statuses)")
            #expect(
                statuses.allSatisfy { [.unauthorized, .tooManyRequests, .serviceUnavailable].contains($0) },
                "\(statuses)")
        }
    }

    @Test("A POST without the session's CSRF token is refused")
    func csrf() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            // A login form posted from another site (its Origin says so) is refused: no login CSRF.
            let crossSite = try await client.execute(
                uri: "/dang-nhap", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://ke-gian.example"],
                body: ByteBuffer(string: "username=quantri&password=\(WebSpool.password)"))
            #expect(crossSite.status == .forbidden)
            // The DESIGN.md contract: a program's plain POST /login (no token, no Origin) signs in, and the cookie
            // opens /search and /api/search.
            let plain = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=luutru&password=\(WebSpool.password)"))
            #expect(plain.status == .seeOther, "\(String(buffer: plain.body))")
            let cookie = try #require(plain.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let html = try await client.execute(uri: "/search?q=quyet+dinh", method: .get, headers: [.cookie: cookie])
            #expect(html.status == .ok && String(buffer: html.body).contains("Quyết định"))
            let api = try await client.execute(
                uri: "/api/search?q=quyet+dinh", method: .get, headers: [.cookie: cookie])
            #expect(api.status == .ok && String(buffer: api.body).contains("packetId"))
            let (admin, _) = try await WebUser.signIn(client, "quantri", WebSpool.password)
            let forged = "csrf=\(String(repeating: "0", count: 64))&username=ke-gian&role=admin&password=12345678910"
            let answer = try await client.execute(
                uri: "/quan-tri/tai-khoan", method: .post, headers: admin.formHeaders, body: ByteBuffer(string: forged))
            #expect(answer.status == .forbidden)
            let page = try await admin.get(client, "/quan-tri")
            #expect(page.status == .ok)
            #expect(!String(buffer: page.body).contains("ke-gian"))
            let token = try #require(WebUser.csrf(String(buffer: page.body)))
            let real = "csrf=\(token)&username=nguoi-moi&role=archivist&password=12345678910"
            let added = try await client.execute(
                uri: "/quan-tri/tai-khoan", method: .post, headers: admin.formHeaders, body: ByteBuffer(string: real))
            #expect(added.status == .ok)
            #expect(String(buffer: added.body).contains("nguoi-moi"))
        }
    }
}
