import Hummingbird
import Logging

/// The archive web UI as a Hummingbird 2 application, for `lienthong serve` and for tests.
public enum WebApplication {
    /// The router: `HEAD` answered as `GET`; security headers on everything; sessions and CSRF checks; the login page open to all, every
    /// other page, API answer and file only with a signed-in account.
    public static func router(_ services: WebServices) -> HeadAnswering<Router<WebContext>> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: SessionMiddleware(services: services))
        router.add(middleware: CSRFMiddleware())
        let stylesheet = services.pages.stylesheet
        router.get(.init(WebPaths.stylesheet)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "private, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: stylesheet)))
        }
        LoginRoutes(services: services).register(on: router)
        let signedIn = router.group().add(middleware: RequireAccountMiddleware())
        SearchRoutes(services: services).register(on: signedIn)
        PacketRoutes(services: services).register(on: signedIn)
        DownloadRoutes(services: services).register(on: signedIn)
        AdminRoutes(services: services).register(on: signedIn)
        RecordRoutes(services: services).register(on: signedIn)
        return HeadAnswering(inner: router)
    }

    /// The application listening on `host:port`.
    public static func make(_ services: WebServices, host: String, port: Int, logger: Logger)
        -> some ApplicationProtocol
    {
        Application(
            router: router(services),
            configuration: .init(address: .hostname(host, port: port), serverName: "LienThong"),
            logger: logger)
    }
}
