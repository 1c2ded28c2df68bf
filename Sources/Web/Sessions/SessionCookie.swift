import Foundation
import Hummingbird

/// The session cookie: HttpOnly, SameSite=Strict, path /, Secure over HTTPS; no Max-Age (ends with the browser;
/// the server expires idle sessions on its side).
enum SessionCookie {
    static let name = "lienthong_phien"

    static func make(_ id: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: id, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func expired(secure: Bool) -> Cookie {
        Cookie(
            name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: secure,
            httpOnly: true, sameSite: .strict)
    }

    /// Whether the request came over HTTPS as far as the server can tell (setting, or a TLS proxy's header).
    static func secure(_ request: Request, settings: WebSettings) -> Bool {
        settings.secureCookies || request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}

/// The login form's CSRF cookie (double submit): the form's hidden token must equal it. It costs the server no
/// memory (no session before signing in) and another site can neither read nor send it (SameSite=Strict).
enum LoginCookie {
    static let name = "lienthong_dang_nhap"

    static func make(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
