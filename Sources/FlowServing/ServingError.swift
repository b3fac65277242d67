import Hummingbird

/// The one error type thrown by `FlowServing`.
///
/// Every failure carries a stable ``code`` and a ``message`` for people. Errors about a request map to
/// a 4xx ``status`` and are sent to the client as `{"error": message}`; errors about the server's own
/// setup (a model that can't be loaded, an address that can't be bound) are thrown by
/// ``InferenceServer/run(onListening:)`` or logged by the endpoint watcher.
public struct ServingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A stable, extensible identifier for the kind of failure.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String {
      case malformedBody = "malformed-body"
      case featureCount = "feature-count"
      case nonNumericValue = "non-numeric-value"
      case unsupportedMediaType = "unsupported-media-type"
      case bodyTooLarge = "body-too-large"
      case unknownEndpoint = "unknown-endpoint"
      case notFound = "not-found"
      case unauthorized = "unauthorized"
      case noModel = "no-model"
      case modelLoad = "model-load"
      case endpointSource = "endpoint-source"
      case invalidConfiguration = "invalid-configuration"
      case predictionFailed = "prediction-failed"
      case addressUnavailable = "address-unavailable"
    }
    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }
    /// The body is not valid CSV or JSON, or has no rows.
    public static let malformedBody = Code(.malformedBody)
    /// A row has more or fewer values than the model has features.
    public static let featureCount = Code(.featureCount)
    /// Text where the model expects a number.
    public static let nonNumericValue = Code(.nonNumericValue)
    /// The `Content-Type` is neither `text/csv` nor `application/json`.
    public static let unsupportedMediaType = Code(.unsupportedMediaType)
    /// The body is larger than the configured limit.
    public static let bodyTooLarge = Code(.bodyTooLarge)
    /// No endpoint has the requested name.
    public static let unknownEndpoint = Code(.unknownEndpoint)
    /// No route matches the request's path and method.
    public static let notFound = Code(.notFound)
    /// The bearer token is missing or wrong.
    public static let unauthorized = Code(.unauthorized)
    /// The endpoint exists but its model is not loaded (yet).
    public static let noModel = Code(.noModel)
    /// A model artifact can't be read.
    public static let modelLoad = Code(.modelLoad)
    /// The ``EndpointSource`` failed to list endpoints.
    public static let endpointSource = Code(.endpointSource)
    /// A server setting is out of range.
    public static let invalidConfiguration = Code(.invalidConfiguration)
    /// The server can't listen on its host and port (in use, not permitted, not this machine's).
    public static let addressUnavailable = Code(.addressUnavailable)
    /// The model failed on well-formed input.
    public static let predictionFailed = Code(.predictionFailed)
    /// The code as printed in messages, for example `feature-count`.
    public var description: String { kind.rawValue }
  }

  /// What kind of failure this is.
  public var code: Code
  /// What went wrong, in words.
  public var message: String
  /// The error that caused this one, described.
  public var underlying: String?

  /// Creates an error.
  public init(_ code: Code, _ message: String, underlying: String? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  /// The HTTP status a client sees for this error.
  public var status: HTTPResponse.Status {
    switch code {
    case .malformedBody, .featureCount, .nonNumericValue: .badRequest
    case .unsupportedMediaType: .unsupportedMediaType
    case .bodyTooLarge: .contentTooLarge
    case .unknownEndpoint, .notFound: .notFound
    case .unauthorized: .unauthorized
    case .noModel: .serviceUnavailable
    default: .internalServerError
    }
  }

  /// `[feature-count] row 2 has 3 values; the model expects 4 features`.
  public var description: String {
    var text = "[\(code)] \(message)"
    if let underlying { text += " (\(underlying))" }
    return text
  }
}
