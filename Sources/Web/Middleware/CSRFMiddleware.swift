import Hummingbird

/// Reads every POSTed form and refuses it (403) unless it carries its session's CSRF token in the hidden `csrf`
/// field. Cookies are SameSite=Strict too; the token is the defence that does not depend on the browser.
struct CSRFMiddleware: RouterMiddleware {
    /// Forms are small: names, passwords, a token.
    static let maximumFormSize = 64 * 1024

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumFormSize)
        let form = FormFields(String(buffer: body))
        guard let session = context.session, let token = form.raw("csrf"), RandomToken.equal(token, session.csrfToken) else {
            throw HTTPError(.forbidden, message: "Yêu cầu không hợp lệ (thiếu mã chống giả mạo) — reload the page and try again")
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }
}
