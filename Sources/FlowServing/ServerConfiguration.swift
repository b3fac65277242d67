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

  /// Creates the default configuration: `127.0.0.1:8080`, no token, 6 MB bodies, no capture.
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
    if let bearerToken, bearerToken.isEmpty { throw ServingError(.invalidConfiguration, "the bearer token is empty") }
    if let endpoints, endpoints.isEmpty { throw ServingError(.invalidConfiguration, "the endpoint list is empty") }
  }
}
