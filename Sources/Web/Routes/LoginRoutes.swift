import Accounts
import Hummingbird

/// Signing in and out. The login form gets a session of its own (not signed in) so that its POST carries a CSRF
/// token; signing in replaces it with a new session (a fixed session id cannot be planted).
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

    private func page(_ request: Request, _ context: WebContext, error: String?, status: HTTPResponse.Status, name: String = "") async -> Response {
        var context = context
        var newSession: Session?
        if context.session == nil {
            newSession = await services.sessions.create(user: nil)
            context.session = newSession
        }
        var response = services.pages.render(.login, title: "Đăng nhập", ["error": error ?? "", "username": name],
                                             context: context, status: status)
        if let newSession {
            response.setCookie(SessionCookie.make(newSession.id, secure: SessionCookie.secure(request, settings: services.settings)))
        }
        return response
    }

    private func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = context.form ?? FormFields("")
        let name = form["username"] ?? ""
        let password = form.raw("password") ?? ""
        if let wait = await services.throttle.wait(for: name) {
            return await page(request, context, error: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(wait) giây.",
                              status: .tooManyRequests, name: name)
        }
        let accounts = services.accounts
        let account = try await Blocking.run { try accounts.authenticate(name, password: password) }
        guard let account else {
            await services.throttle.failed(name)
            return await page(request, context, error: "Sai tên đăng nhập hoặc mật khẩu.", status: .unauthorized, name: name)
        }
        await services.throttle.succeeded(name)
        if let old = context.session { await services.sessions.remove(old.id) }
        let session = await services.sessions.create(user: account.name)
        var response = Response.redirect(to: WebPaths.search, type: .normal)
        response.setCookie(SessionCookie.make(session.id, secure: SessionCookie.secure(request, settings: services.settings)))
        return response
    }

    private func signOut(_ request: Request, _ context: WebContext) async -> Response {
        if let session = context.session { await services.sessions.remove(session.id) }
        var response = Response.redirect(to: WebPaths.login, type: .normal)
        response.setCookie(SessionCookie.expired(secure: SessionCookie.secure(request, settings: services.settings)))
        return response
    }
}
