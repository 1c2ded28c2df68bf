import Accounts
import Hummingbird
import NIOPosix

/// Signing in and out. Signing in always makes a new session (a session id cannot be planted), and a throttle
/// slows down guessing.
struct LoginRoutes {
    let services: WebServices

    func register(on router: Router<WebContext>) {
        for path in [WebPaths.login, "/login"] {
            router.get(.init(path)) { request, context in try await form(request, context) }
            router.post(.init(path)) { request, context in try await signIn(request, context) }
        }
        router.post(.init(WebPaths.logout)) { request, context in await signOut(request, context) }
    }

    private func form(_ request: Request, _ context: WebContext) async throws -> Response {
        if context.account != nil { return .redirect(to: WebPaths.search, type: .normal) }
        return await page(request, context, error: nil, status: .ok)
    }

    /// The login form. It opens no session (a session is made only by signing in, so anonymous visits cost the
    /// server nothing): its CSRF token is a double-submit cookie instead (see CSRFMiddleware).
    private func page(
        _ request: Request, _ context: WebContext, error: String?, status: HTTPResponse.Status, name: String = ""
    ) async -> Response {
        var values: [String: Any] = ["error": error ?? "", "username": name]
        var token: String?
        if context.session == nil {
            token = RandomToken.make()
            values["csrf"] = token
        }
        var response = services.pages.render(.login, title: "Đăng nhập", values, context: context, status: status)
        if let token {
            response.setCookie(
                LoginCookie.make(token, secure: SessionCookie.secure(request, settings: services.settings)))
        }
        return response
    }

    private func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = context.form ?? FormFields("")
        let name = form["username"] ?? ""
        let password = form.raw("password") ?? ""
        switch await services.throttle.begin(name) {
        case .wait(let seconds)?:
            return await page(
                request, context, error: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(seconds) giây.",
                status: .tooManyRequests, name: name)
        case .busy?:
            return await page(
                request, context, error: "Hệ thống đang bận. Vui lòng thử lại sau ít giây.",
                status: .serviceUnavailable, name: name)
        case nil:
            break
        }
        let accounts = services.accounts
        let account: Account?
        do {
            account = try await NIOThreadPool.singleton.runIfActive {
                try accounts.authenticate(name, password: password)
            }
        } catch {
            await services.throttle.finished(name, succeeded: false)
            throw error
        }
        await services.throttle.finished(name, succeeded: account != nil)
        guard let account else {
            return await page(
                request, context, error: "Sai tên đăng nhập hoặc mật khẩu.", status: .unauthorized, name: name)
        }
        if let old = context.session { await services.sessions.remove(old.id) }
        let session = await services.sessions.create(user: account.name)
        var response = Response.redirect(to: WebPaths.search, type: .normal)
        response.setCookie(
            SessionCookie.make(session.id, secure: SessionCookie.secure(request, settings: services.settings)))
        return response
    }

    private func signOut(_ request: Request, _ context: WebContext) async -> Response {
        if let session = context.session { await services.sessions.remove(session.id) }
        var response = Response.redirect(to: WebPaths.login, type: .normal)
        response.setCookie(SessionCookie.expired(secure: SessionCookie.secure(request, settings: services.settings)))
        return response
    }
}
