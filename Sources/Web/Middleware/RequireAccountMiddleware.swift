import Hummingbird

/// No page, API answer or file without a signed-in account: pages redirect to the login page, everything else
/// (the JSON API, file downloads) answers 401.
struct RequireAccountMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        guard context.account == nil else { return try await next(request, context) }
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.contains("/files/") || request.method != .get {
            throw HTTPError(.unauthorized, message: "Cần đăng nhập — sign in first")
        }
        return .redirect(to: WebPaths.login, type: .normal)
    }
}
