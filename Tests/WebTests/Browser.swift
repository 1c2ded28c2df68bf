import Foundation
import Hummingbird
import HummingbirdTesting

/// A signed-in (or not) user of the test client: the session cookie and the page's CSRF token.
struct WebUser {
    var cookie: String?
    var csrf: String?

    /// The cookie header for requests.
    var headers: HTTPFields {
        var fields = HTTPFields()
        if let cookie { fields[.cookie] = cookie }
        return fields
    }

    static func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie].flatMap { $0.split(separator: ";").first.map(String.init) }
    }

    static func csrf(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Opens the login page and posts `name` and `password` with its token; returns the user and the answer.
    static func signIn(_ client: some TestClientProtocol, _ name: String, _ password: String) async throws -> (
        WebUser, TestResponse
    ) {
        let form = try await client.execute(uri: "/dang-nhap", method: .get)
        var user = WebUser(cookie: cookie(form), csrf: csrf(String(buffer: form.body)))
        let body = "csrf=\(user.csrf ?? "")&username=\(name)&password=\(password)"
        let answer = try await client.execute(
            uri: "/dang-nhap", method: .post, headers: user.formHeaders, body: ByteBuffer(string: body))
        if let signedIn = cookie(answer) { user.cookie = signedIn }
        return (user, answer)
    }

    var formHeaders: HTTPFields {
        var fields = headers
        fields[.contentType] = "application/x-www-form-urlencoded"
        return fields
    }

    /// GET `uri` as this user; the page's token is kept for later forms.
    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }
}
