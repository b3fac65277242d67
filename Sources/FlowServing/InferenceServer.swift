import FlowCore
import FlowHTTP
import Foundation
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle

/// An HTTP server answering predictions, following SageMaker's inference container contract.
///
/// Routes:
/// - `GET /ping`: 200 once at least one model is loaded, 503 before (never needs the token).
/// - `POST /invocations` (the default endpoint) and `POST /endpoints/{name}/invocations`: a `text/csv`
///   body (one row per line, features in the model's order, no header) or `application/json`
///   (`{"instances": [[…], …]}` or `{"instances": [{"feature": value, …}, …]}`); the answer is
///   `{"predictions": [{"label": "3", "probabilities": {"0": 0.01, …}}, …], "model": NAME, "version": V}`
///   (`{"value": x}` for regression), or one label per line with `Accept: text/csv`.
/// - `GET /endpoints`: the model version each endpoint serves; `GET /metrics`: Prometheus text.
///
/// Bad requests get a 4xx status and `{"error": message}`, requests that aren't HTTP included. Slow clients
/// can't starve it: a connection must send its request head within ``ServerConfiguration/requestHeadTimeout``,
/// and at ``ServerConfiguration/maxConnections`` the connection waiting longest for a head is closed to make room. Endpoints come from an ``EndpointSource``
/// polled in the background; a changed target is loaded, then swapped in atomically, so a redeploy
/// fails no request.
///
/// ```swift
/// let source = StaticEndpointSource(["digits": EndpointTarget(modelName: "digits", version: "1", artifactPath: "model.json")])
/// try await InferenceServer(configuration: ServerConfiguration(), source: source).run()
/// ```
public final class InferenceServer: Sendable {
  /// The settings.
  public let configuration: ServerConfiguration
  private let source: any EndpointSource
  private let logger: Logger
  private let group = Locked<ServiceGroup?>(nil)
  private let stopRequested = Locked(false)

  /// Creates a server; nothing happens until ``run(handleSignals:onListening:)``.
  public init(configuration: ServerConfiguration, source: any EndpointSource, logger: Logger = Logger(label: "flow.serve")) {
    self.configuration = configuration
    self.source = source
    self.logger = logger
  }

  /// Loads every endpoint's model, listens, and serves until cancelled or (with `handleSignals`) until
  /// SIGINT or SIGTERM, then finishes the requests in flight and writes the pending data capture.
  /// - Parameters:
  ///   - handleSignals: Shut down gracefully on SIGINT and SIGTERM (for the CLI; tests cancel the task instead).
  ///   - onListening: Called once the socket is bound, with the host and the actual port (useful with port 0).
  /// - Throws: ``ServingError``: `invalid-configuration`, `endpoint-source`, `model-load` for an artifact
  ///   that can't be loaded at start; `address-unavailable` when the host and port can't be bound (naming them).
  public func run(handleSignals: Bool = false, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
    try configuration.validate()
    let metrics = PrometheusMetrics()
    let table = ModelTable(defaultEndpoint: configuration.defaultEndpoint ?? configuration.endpoints?.first)
    let watcher = EndpointWatcher(source: source, table: table, metrics: metrics, filter: configuration.endpoints.map(Set.init),
                                  retryInterval: configuration.failedLoadRetryInterval, logger: logger)
    try await watcher.loadInitial()
    let capture = configuration.captureDirectory.flatMap { directory in
      configuration.captureFraction > 0 ? DataCapture(directory: directory, fraction: configuration.captureFraction) : nil
    }

    let router = makeRouter(table: table, metrics: metrics, capture: capture)
    let host = configuration.host
    let logger = logger
    var serverLogger = logger
    serverLogger.logLevel = max(logger.logLevel, .notice)  // Hummingbird logs every connection at info
    let registry = ConnectionRegistry(limit: configuration.maxConnections)
    let timeouts = ConnectionTimeouts(head: configuration.requestHeadTimeout, body: configuration.requestBodyTimeout,
                                      idle: configuration.idleTimeout)
    let app = Application(
      router: router,
      server: .http1(configuration: .init(
        additionalChannelHandlers: [ConnectionGuardHandler(registry: registry, timeouts: timeouts) { _, message in
          ("application/json", JSONText.error(message))
        }])),
      configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? 0
        logger.notice("flow serve: listening on http://\(host):\(port) (endpoints: \(table.names.joined(separator: ", ")))")
        await onListening(host, port)
      },
      logger: serverLogger)

    let serviceGroup = ServiceGroup(configuration: .init(
      services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: serverLogger))
    group.withLock { $0 = serviceGroup }
    if stopRequested.withLock({ $0 }) { return }
    let poller = Task { await watcher.run(every: configuration.pollInterval) }
    defer { poller.cancel() }
    do {
      try await serviceGroup.run()
    } catch {
      poller.cancel()
      await capture?.close()
      if error is CancellationError { return }
      throw Self.describeBindFailure(error, host: host, port: configuration.port)
    }
    poller.cancel()
    await capture?.close()
    logger.notice("flow serve: stopped")
  }

  /// Stops a running server gracefully: it stops accepting connections, finishes the requests in
  /// flight, writes the pending data capture, and then ``run(handleSignals:onListening:)`` returns.
  public func shutdown() async {
    stopRequested.withLock { $0 = true }
    await group.withLock { $0 }?.triggerGracefulShutdown()
  }

  /// A failure to bind, with the address and what to do; other errors unchanged.
  static func describeBindFailure(_ error: any Error, host: String, port: Int) -> any Error {
    let code: Int32? = (error as? IOError)?.errnoCode
    let text = "\(error)"
    if code == EADDRINUSE || text.contains("Address already in use") {
      return ServingError(.addressUnavailable,
                          "can't listen on \(host):\(port): the address is already in use (another flow serve, or another server, "
                          + "holds the port); stop that process or choose another port (--port, 0 picks a free one)")
    }
    if code == EACCES || code == EADDRNOTAVAIL || text.contains("Permission denied") || text.contains("Cannot assign requested address") {
      let reason = code == EACCES || text.contains("Permission denied")
        ? "permission denied (ports below 1024 need privileges)" : "the address is not one of this machine's"
      return ServingError(.addressUnavailable, "can't listen on \(host):\(port): \(reason); choose another --host or --port")
    }
    return error
  }

  private func makeRouter(table: ModelTable, metrics: PrometheusMetrics, capture: DataCapture?) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    if let token = configuration.bearerToken { router.add(middleware: BearerTokenMiddleware(token: token, metrics: metrics)) }
    let invocations = InvocationsRoute(table: table, metrics: metrics, capture: capture, maxBodyBytes: configuration.maxBodyBytes)
    let endpoints = EndpointsRoute(table: table)

    router.get("/ping") { _, _ -> Response in
      table.hasLoadedModel ? Responses.json("{\"status\":\"ok\"}")
        : Responses.json(JSONText.error("no model is loaded"), status: .serviceUnavailable)
    }
    router.post("/invocations") { request, _ -> Response in
      await invocations.respond(to: request, endpoint: nil)
    }
    router.post("/endpoints/:name/invocations") { request, context -> Response in
      await invocations.respond(to: request, endpoint: try context.parameters.require("name"))
    }
    router.get("/endpoints") { _, _ -> Response in endpoints.respond() }
    router.get("/metrics") { _, _ -> Response in
      Responses.text(metrics.render(endpoints: table.snapshot), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
    return router
  }
}
