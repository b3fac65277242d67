/// Settings of an ``InferenceServer``.
public struct ServerConfiguration: Sendable {
  /// Address to bind; `127.0.0.1` so nothing outside the machine can reach it unless asked.
  public var host: String = "127.0.0.1"
  /// Port to bind; `0` picks a free one (see ``InferenceServer/run(handleSignals:onListening:)``).
  public var port: Int = 8080
  /// When set, every route except `GET /ping` requires `Authorization: Bearer <token>`.
  public var bearerToken: String?
  /// Largest request body accepted, in bytes (SageMaker's limit, 6 MB, by default).
  public var maxBodyBytes: Int = 6 * 1024 * 1024
  /// Share of successful invocations written to the data capture, 0…1.
  public var captureFraction: Double = 0
  /// Directory of the data capture files; capture is off when `nil`.
  public var captureDirectory: String?
  /// Serve only these endpoints (all the source lists when `nil`); the first is the default endpoint.
  public var endpoints: [String]?
  /// The endpoint `POST /invocations` uses. When `nil`: the first of ``endpoints``, else the only
  /// endpoint, else the one named `default`.
  public var defaultEndpoint: String?
  /// How often the endpoint source is polled.
  public var pollInterval: Duration = .milliseconds(500)
  /// How long to wait before loading an artifact again after it failed to load.
  public var failedLoadRetryInterval: Duration = .seconds(5)

  /// Most connections open at once. At the cap, a new connection makes room by closing the one that has
  /// waited longest for a request head (a slow or idle client); one in the middle of a request is never closed.
  public var maxConnections: Int = 512
  /// How long a new connection may take to send a complete request head (request line and headers);
  /// a client sending it a byte at a time (slowloris) is closed after this.
  public var requestHeadTimeout: Duration = .seconds(10)
  /// How long a request's body may take to arrive once its head has.
  public var requestBodyTimeout: Duration = .seconds(60)
  /// How long a kept-alive connection may wait, after a response, for the head of its next request.
  public var idleTimeout: Duration = .seconds(60)

  /// Creates the default configuration: `127.0.0.1:8080`, no token, 6 MB bodies, no capture, at most 512
  /// connections, 10 s for a request head, 60 s for a body, 60 s idle.
  public init() {}

  /// Checks ranges.
  /// - Throws: ``ServingError`` (`invalid-configuration`).
  public func validate() throws(ServingError) {
    guard (0...65535).contains(port) else { throw ServingError(.invalidConfiguration, "port \(port) is not in 0…65535") }
    guard maxBodyBytes > 0 else { throw ServingError(.invalidConfiguration, "the body limit must be a positive number of bytes") }
    guard (0...1).contains(captureFraction) else {
      throw ServingError(.invalidConfiguration, "the capture fraction must be between 0 and 1, not \(captureFraction)")
    }
    if captureFraction > 0, captureDirectory == nil {
      throw ServingError(.invalidConfiguration, "a capture fraction needs a capture directory")
    }
    guard maxConnections > 0 else { throw ServingError(.invalidConfiguration, "the connection limit must be positive") }
    for (name, value) in [("request head", requestHeadTimeout), ("request body", requestBodyTimeout), ("idle", idleTimeout)]
    where value <= .zero {
      throw ServingError(.invalidConfiguration, "the \(name) timeout must be positive")
    }
    if let bearerToken, bearerToken.isEmpty { throw ServingError(.invalidConfiguration, "the bearer token is empty") }
    if let endpoints, endpoints.isEmpty { throw ServingError(.invalidConfiguration, "the endpoint list is empty") }
  }
}
