import Hummingbird

/// Reads every POSTed form and refuses it (403) unless it carries its session's CSRF token in the hidden `csrf`
/// field. Cookies are SameSite=Strict too; the token is the defence that does not depend on the browser.
///
/// Signing in has no session yet: the login form's token is checked against its cookie (double submit). The
/// DESIGN.md contract also lets a program sign in with `POST /login` and `username`, `password` alone; such a POST
/// without a token is accepted only when it names no other site in `Origin` or `Referer` (a browser always names
/// the site that sent a form; `null` counts as another site): no login CSRF.
struct CSRFMiddleware: RouterMiddleware {
    /// Forms are small: names, passwords, a token.
    static let maximumFormSize = 64 * 1024
    static let loginPaths: Set<String> = [WebPaths.login, "/login"]

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumFormSize)
        let form = FormFields(String(buffer: body))
        let token = form.raw("csrf").flatMap { $0.isEmpty ? nil : $0 }
        if let session = context.session, let token, RandomToken.equal(token, session.csrfToken) {
            // A form of this session.
        } else if Self.loginPaths.contains(request.uri.path) {
            if let token {
                // The login form: its token must be the one in its cookie (double submit).
                guard let cookie = request.cookies[LoginCookie.name]?.value, RandomToken.equal(token, cookie) else {
                    throw HTTPError(
                        .forbidden,
                        message: "Trang đăng nhập đã cũ: vui lòng mở lại trang đăng nhập — reload the login page")
                }
            } else {
                // A program's plain POST /login (the DESIGN.md contract): only when no other site sent it.
                guard Self.sameOrigin(request) else {
                    throw HTTPError(
                        .forbidden,
                        message: "Yêu cầu không hợp lệ (gửi từ trang khác) — open the login page and try again")
                }
            }
        } else {
            throw HTTPError(
                .forbidden,
                message:
                    "Yêu cầu không hợp lệ (thiếu mã chống giả mạo): vui lòng tải lại trang — reload the page and try again"
            )
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }

    /// Whether the request says it comes from this site (or says nothing, as programs do).
    static func sameOrigin(_ request: Request) -> Bool {
        guard let source = request.headers[.origin] ?? request.headers[.referer] else { return true }
        guard let host = request.head.authority else { return false }
        let withoutScheme =
            source.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        return withoutScheme.lowercased() == host.lowercased()
    }
}
