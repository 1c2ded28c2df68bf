import Accounts
import Hummingbird

/// What the middleware learns about a request before the routes see it.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The browser's session, when its cookie names a live one.
    public var session: Session?
    /// The signed-in, enabled account of that session.
    public var account: Account?
    /// A POSTed form, read (and its CSRF token checked) by `CSRFMiddleware`.
    public var form: FormFields?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
