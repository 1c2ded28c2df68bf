import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Spool
import Web

/// `lienthong serve`: the archive web UI (Hummingbird 2). SIGTERM or SIGINT stops it gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the archive web UI: login, search, packets, downloads, accounts.",
        discussion: """
            Sign in at /dang-nhap (also /login) with an account made by `lienthong user add`. Put a TLS reverse proxy \
            in front when users reach it over a network, and pass --secure-cookies (or have the proxy send \
            X-Forwarded-Proto: https) so the session cookie is marked Secure.
            """
    )

    @OptionGroup
    var spool: SpoolOptions
    @Option(help: "Address to listen on, HOST:PORT.")
    var listen = "127.0.0.1:8080"
    @Flag(help: "Mark the session cookie Secure (users reach the server over HTTPS).")
    var secureCookies = false

    func run() async throws {
        let layout = try spool.existingLayout()
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw CommandFailure("--listen \(listen): write HOST:PORT (127.0.0.1:8080)", code: 2)
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let services: WebServices
        do {
            services = try WebServices(settings: WebSettings(spool: layout, secureCookies: secureCookies))
        } catch {
            throw CommandFailure("cannot start the web UI: \(error)", code: 2)
        }
        let logger = Logger(label: "lienthong.serve")
        try await WebApplication.make(services, host: host, port: port, logger: logger).runService()
    }
}
