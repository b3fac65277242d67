import FlowCore
import FlowExecutor
import FlowHTTP
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The Step Functions API over HTTP: AWS JSON 1.0 on `POST /`, requests authenticated with SigV4, each answered by
/// a ``StepFunctionsService``.
///
/// Connections are guarded as `flow serve`'s are (``ConnectionGuardHandler``): a request head must arrive within
/// ``StepFunctionsServerConfiguration/requestHeadTimeout``, a body within the body timeout, idle connections close,
/// and at the connection cap the one waiting longest for a request is closed. Bodies over
/// ``StepFunctionsServerConfiguration/maxBodyBytes`` are refused with 413.
public final class StepFunctionsServer: Sendable {
  public let configuration: StepFunctionsServerConfiguration
  public let service: StepFunctionsService
  private let logger: Logger
  private let verifier: SigV4Verifier?
  private let group = Locked<ServiceGroup?>(nil)
  private let stopRequested = Locked(false)

  public init(configuration: StepFunctionsServerConfiguration, service: StepFunctionsService,
              logger: Logger = Logger(label: "flow.server")) {
    self.configuration = configuration
    self.service = service
    self.logger = logger
    verifier = configuration.accessKeys.isEmpty ? nil : SigV4Verifier(keys: configuration.accessKeys)
  }

  /// Listens and serves until cancelled or (with `handleSignals`) SIGINT or SIGTERM; then finishes the requests in
  /// flight and interrupts the executions running here (they stay resumable).
  /// - Throws: ``StepFunctionsServerError`` for invalid settings (a non-loopback host without keys) or an address
  ///   that can't be bound.
  public func run(handleSignals: Bool = false, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
    try configuration.validate()
    let router = Router(context: BasicRequestContext.self)
    router.post("/") { [self] request, _ -> Response in await respond(to: request) }
    Console(service: service, configuration: configuration).register(on: router)
    let host = configuration.host
    let logger = logger
    var serverLogger = logger
    serverLogger.logLevel = max(logger.logLevel, .notice)
    let registry = ConnectionRegistry(limit: configuration.maxConnections)
    let timeouts = ConnectionTimeouts(head: configuration.requestHeadTimeout, body: configuration.requestBodyTimeout,
                                      idle: configuration.idleTimeout)
    let authenticated = verifier != nil
    let app = Application(
      router: router,
      server: .http1(configuration: .init(additionalChannelHandlers: [
        ConnectionGuardHandler(registry: registry, timeouts: timeouts) { status, message in
          (AWSJSONProtocol.contentType,
           AWSJSONProtocol.encode(StepFunctionsError(status == .requestHeaderFieldsTooLarge ? "RequestHeaderFieldsTooLarge" : "SerializationException",
                                                     message, status: Int(status.code))))
        },
      ])),
      configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? 0
        logger.notice("flow server: listening on http://\(host):\(port) (\(authenticated ? "SigV4 required" : "no credentials configured: requests are not authenticated"))")
        await onListening(host, port)
      },
      logger: serverLogger)
    let serviceGroup = ServiceGroup(configuration: .init(
      services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: serverLogger))
    group.withLock { $0 = serviceGroup }
    if stopRequested.withLock({ $0 }) { return }
    let resumed = try service.resumeInterrupted()
    if !resumed.isEmpty { logger.notice("flow server: resuming \(resumed.count) interrupted execution(s): \(resumed.joined(separator: ", "))") }
    do {
      try await serviceGroup.run()
    } catch {
      await service.shutdown()
      if error is CancellationError { return }
      throw Self.describeBindFailure(error, host: host, port: configuration.port)
    }
    await service.shutdown()
    logger.notice("flow server: stopped")
  }

  /// Stops a running server gracefully.
  public func shutdown() async {
    stopRequested.withLock { $0 = true }
    await group.withLock { $0 }?.triggerGracefulShutdown()
  }

  static func describeBindFailure(_ error: any Error, host: String, port: Int) -> any Error {
    let text = "\(error)"
    if (error as? IOError)?.errnoCode == EADDRINUSE || text.contains("Address already in use") {
      return StepFunctionsServerError("can't listen on \(host):\(port): the address is already in use; stop that process or choose another --port (0 picks a free one)")
    }
    if text.contains("Permission denied") || text.contains("Cannot assign requested address") {
      return StepFunctionsServerError("can't listen on \(host):\(port): \(text); choose another --host or --port")
    }
    return error
  }

  /// One request: read the body (up to the limit), check the signature, decode, perform, encode.
  func respond(to request: Request) async -> Response {
    let body: [UInt8]
    do {
      if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
        return Self.response(StepFunctionsError("RequestEntityTooLargeException", "the request body (\(length) bytes) is larger than the limit of \(configuration.maxBodyBytes) bytes", status: 413))
      }
      body = Array(buffer: try await request.body.collect(upTo: configuration.maxBodyBytes))
    } catch {
      return Self.response(StepFunctionsError("RequestEntityTooLargeException", "the request body is larger than the limit of \(configuration.maxBodyBytes) bytes", status: 413))
    }
    do {
      if let verifier {
        var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        headers.append((name: "host", value: request.head.authority ?? ""))
        _ = try verifier.verify(SignedRequest(method: request.method.rawValue, path: request.uri.path,
                                              query: request.uri.query ?? "", headers: headers, body: body))
      }
      let (action, input) = try AWSJSONProtocol.decode(
        target: request.headers[HTTPFields.Element.Name("X-Amz-Target")!], contentType: request.headers[.contentType], body: body)
      // The action's store calls block (a commit waits for the disk): they run on the server's own threads, not
      // on the cooperative pool that every request's I/O needs (BlockingThreadPool). A read that never waits is
      // answered here, saving two thread switches.
      let output = service.answersInPlace(action)
        ? try await service.perform(action, input)
        : try await withTaskExecutorPreference(BlockingThreadPool.shared) {
          () async throws(StepFunctionsError) -> JSONValue in try await service.perform(action, input)
        }
      return Self.response(AWSJSONProtocol.encode(output), status: .ok)
    } catch {
      return Self.response(error)
    }
  }

  static let requestIdField = HTTPFields.Element.Name("x-amzn-RequestId")!

  static func response(_ error: StepFunctionsError) -> Response {
    response(AWSJSONProtocol.encode(error), status: HTTPResponse.Status(code: error.status))
  }

  static func response(_ text: String, status: HTTPResponse.Status) -> Response {
    Response(status: status,
             headers: [.contentType: AWSJSONProtocol.contentType, requestIdField: UUID().uuidString.lowercased()],
             body: .init(byteBuffer: ByteBuffer(string: text)))
  }
}
