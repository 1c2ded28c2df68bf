import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
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
        do {
            try await WebApplication.make(services, host: host, port: port, logger: logger).runService()
        } catch let error as IOError {
            throw CommandFailure(Self.explain(error, listen: listen), code: 1)
        }
    }

    /// What a failure to listen means, for the admin: Vietnamese, English, what to do (instead of NIO's
    /// `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`).
    static func explain(_ error: IOError, listen: String) -> String {
        switch error.errnoCode {
        case EADDRINUSE:
            return """
                Không mở được \(listen): cổng này đang được một chương trình khác dùng (có thể là một lienthong serve \
                khác). Hãy dừng chương trình đó, hoặc chọn cổng khác: --listen 127.0.0.1:8081.
                Cannot listen on \(listen): the port is in use by another program (perhaps another lienthong serve). \
                Stop it, or choose another port with --listen.
                """
        case EACCES:
            return """
                Không mở được \(listen): không có quyền dùng cổng này (cổng dưới 1024 cần quyền quản trị). Hãy chọn \
                cổng từ 1024 trở lên, hoặc đặt máy chủ trung gian (reverse proxy) phía trước.
                Cannot listen on \(listen): permission denied (ports below 1024 need privileges). Choose a port from \
                1024 up, or put a reverse proxy in front.
                """
        case EADDRNOTAVAIL:
            return """
                Không mở được \(listen): máy này không có địa chỉ đó. Hãy dùng 127.0.0.1 hoặc một địa chỉ của máy.
                Cannot listen on \(listen): this machine has no such address. Use 127.0.0.1 or one of its addresses.
                """
        default:
            return "Không mở được \(listen) (\(error)).\nCannot listen on \(listen): \(error)."
        }
    }
}
