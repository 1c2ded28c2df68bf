import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Web

@Suite("HEAD is answered as GET, without the body")
struct HeadTests {
    @Test("HEAD on the login page, a page needing a session and a signed-in search")
    func headLikeGet() async throws {
        let spool = try WebSpool()
        let app = Application(router: WebApplication.router(try spool.services()))
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/dang-nhap", method: .get)
            let head = try await client.execute(uri: "/dang-nhap", method: .head)
            #expect(page.status == .ok && head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentType] == page.headers[.contentType])
            #expect(head.headers[.contentSecurityPolicy] == page.headers[.contentSecurityPolicy])

            let root = try await client.execute(uri: "/", method: .head)
            #expect(root.status == .seeOther && root.headers[.location] == "/dang-nhap", "HEAD / without a session")

            let (user, _) = try await WebUser.signIn(client, "luutru", WebSpool.password)
            let search = try await client.execute(uri: "/search?q=quyet+dinh", method: .head, headers: user.headers)
            #expect(search.status == .ok && search.body.readableBytes == 0)
            let missing = try await client.execute(uri: "/khong-co-trang-nay", method: .head, headers: user.headers)
            #expect(missing.status == .notFound)
        }
    }
}
