import Hummingbird

/// Answers `HEAD` as `GET` would, without the body (RFC 9110 §9.3.2): the same status and headers, with the length the
/// body would have when it is known. A monitor or a link checker asking `HEAD /` gets the login redirect, not 404.
///
/// It wraps the whole router rather than being one of its middlewares: a router's middlewares run only once a route
/// matched, and no route is registered for `HEAD`.
public struct HeadAnswering<Inner: HTTPResponderBuilder>: HTTPResponderBuilder {
    let inner: Inner

    public func buildResponder() -> Responder { Responder(inner: inner.buildResponder()) }

    public struct Responder: HTTPResponder {
        let inner: Inner.Responder

        public func respond(to request: Request, context: Inner.Responder.Context) async throws -> Response {
            guard request.method == .head else { return try await inner.respond(to: request, context: context) }
            var head = request.head
            head.method = .get
            var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
            // The length GET would send, and nothing of it: the server writes no body in answer to HEAD.
            let length = response.body.contentLength
            response.body = ResponseBody(contentLength: length) { _ in }
            return response
        }
    }
}
