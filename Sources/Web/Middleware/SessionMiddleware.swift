import Accounts
import Hummingbird
import NIOPosix

/// Finds the request's session from its cookie, and the session's account when it is still enabled and unchanged
/// (a disabled account, or one whose password or grants changed since the session opened, loses the session).
struct SessionMiddleware: RouterMiddleware {
    let services: WebServices

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let id = request.cookies[SessionCookie.name]?.value, let session = await services.sessions.find(id) {
            context.session = session
            if let user = session.user {
                let accounts = services.accounts
                let account = try await NIOThreadPool.singleton.runIfActive { try accounts.account(named: user) }
                if let account, !account.disabled, !account.outdates(session.openedAt) {
                    context.account = account
                } else {
                    await services.sessions.remove(id)
                    context.session = nil
                }
            }
        }
        return try await next(request, context)
    }
}
