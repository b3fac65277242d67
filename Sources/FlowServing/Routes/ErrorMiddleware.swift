import Hummingbird

/// Turns anything a route or the router throws into `{"error": message}` with the right status,
/// so no client ever sees an empty 500 or Hummingbird's plain-text errors.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as ServingError {
      return Responses.error(error)
    } catch let error as HTTPError {
      let message = error.body ?? (error.status == .notFound
        ? "no route for \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
      return Responses.json(JSONText.error(message), status: error.status)
    } catch {
      context.logger.error("unexpected error answering \(request.method) \(request.uri.path): \(error)")
      return Responses.json(JSONText.error("internal error"), status: .internalServerError)
    }
  }
}

/// Requires `Authorization: Bearer TOKEN` on every route except `GET /ping`.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
  let token: String
  let metrics: PrometheusMetrics

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    if request.uri.path == "/ping" { return try await next(request, context) }
    guard let header = request.headers[.authorization], Self.constantTimeEquals(header, "Bearer " + token) else {
      let error = ServingError(.unauthorized, request.headers[.authorization] == nil
                               ? "this server needs 'Authorization: Bearer TOKEN'" : "the bearer token is not valid")
      if request.uri.path.hasSuffix("/invocations") {
        metrics.recordInvocation(endpoint: "", version: "", code: 401, error: error.code.description, seconds: nil, rows: 0)
      }
      return Responses.error(error)
    }
    return try await next(request, context)
  }

  /// Compares without stopping at the first difference, so timing doesn't reveal the token.
  static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<max(x.count, y.count) {
      difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
    }
    return difference == 0
  }
}
