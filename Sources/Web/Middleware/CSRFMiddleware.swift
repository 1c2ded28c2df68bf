import Hummingbird

/// Reads every POSTed form and refuses it (403) unless it carries its session's CSRF token in the hidden `csrf`
/// field. Cookies are SameSite=Strict too; the token is the defence that does not depend on the browser.
///
/// Signing in is the one exception the DESIGN.md contract needs: `POST /login` with `username` and `password` alone
/// (a script, a test harness) signs in. A browser's form posted from another site always names that site in its
/// `Origin` (or `Referer`) header, so such a login without a token is refused: no login CSRF.
struct CSRFMiddleware: RouterMiddleware {
    /// Forms are small: names, passwords, a token.
    static let maximumFormSize = 64 * 1024
    static let loginPaths: Set<String> = [WebPaths.login, "/login"]

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumFormSize)
        let form = FormFields(String(buffer: body))
        let token = form.raw("csrf")
        let loginWithoutToken = Self.loginPaths.contains(request.uri.path) && (token == nil || context.session == nil)
        if loginWithoutToken {
            guard Self.sameOrigin(request) else {
                throw HTTPError(.forbidden, message: "Yêu cầu không hợp lệ (gửi từ trang khác) — open the login page and try again")
            }
        } else {
            guard let session = context.session, let token, RandomToken.equal(token, session.csrfToken) else {
                throw HTTPError(.forbidden, message: "Yêu cầu không hợp lệ (thiếu mã chống giả mạo) — reload the page and try again")
            }
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }

    /// Whether the request says it comes from this site (or says nothing, as programs do).
    static func sameOrigin(_ request: Request) -> Bool {
        guard let source = request.headers[.origin] ?? request.headers[.referer] else { return true }
        guard let host = request.head.authority else { return false }
        let withoutScheme = source.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        return withoutScheme.lowercased() == host.lowercased()
    }
}
