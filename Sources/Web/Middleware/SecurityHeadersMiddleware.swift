import Hummingbird
import Packets

/// Adds the security headers to every answer, errors included: only the server's own resources, never in a frame,
/// no type sniffing, no referrer to other sites, nothing cached (documents may be secret). Unexpected errors are logged here and
/// answered with a short bilingual page.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where !request.uri.path.hasPrefix("/api/") && error.status != .unauthorized {
            // People see a page in their language, not a JSON object.
            response = Self.page(error.status, error.body ?? "", headers: error.headers)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // Anything else is the server's fault: logged with the path for the admin, a plain page for the user.
            context.logger.error("web request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: "Lỗi hệ thống: không trả lời được yêu cầu này. Vui lòng báo người quản trị.\n"
                            + "Server error: see the server's log.\n")))
        }
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// A small error page: what happened (the message's Vietnamese part) and the way back.
    static func page(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields) -> Response {
        let vietnamese = message.components(separatedBy: " — ").first ?? message
        let text: String
        switch status {
        case .notFound: text = vietnamese.isEmpty ? "Không tìm thấy trang này." : vietnamese
        case .forbidden: text = vietnamese.isEmpty ? "Bạn không có quyền xem trang này." : vietnamese
        default: text = vietnamese.isEmpty ? "Không thực hiện được yêu cầu." : vietnamese
        }
        let html = """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><title>Lỗi \(status.code)</title><link rel="stylesheet" href="\(WebPaths.stylesheet)"></head>
            <body><main><h1>Lỗi \(status.code)</h1><p class="loi">\(text.markupEscaped)</p><p><a href="\(WebPaths.search)">Về trang tra cứu</a></p></main></body></html>
            """
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
