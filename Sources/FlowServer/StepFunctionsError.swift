/// An error of the Step Functions API: its AWS name (the `__type` of the response body), a message, and the
/// HTTP status AWS answers it with (400 for every client error).
public struct StepFunctionsError: Error, Sendable, Equatable, CustomStringConvertible {
  /// AWS's error name, such as `ExecutionDoesNotExist`.
  public var type: String
  public var message: String
  /// The HTTP status code.
  public var status: Int

  public init(_ type: String, _ message: String, status: Int = 400) {
    self.type = type
    self.message = message
    self.status = status
  }

  public var description: String { "\(type): \(message)" }

  // Protocol and authentication errors (AWS's common errors).
  static func unknownOperation(_ action: String) -> Self {
    Self("UnknownOperationException", "the operation '\(action)' is not supported by flow server")
  }
  static func serialization(_ message: String) -> Self { Self("SerializationException", message) }
  static func validation(_ message: String) -> Self { Self("ValidationException", message) }
  static func missingParameter(_ member: String) -> Self {
    Self("ValidationException", "1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null")
  }
  static func internalFailure(_ message: String) -> Self { Self("InternalFailure", message, status: 500) }

  // The service's own errors.
  static func invalidArn(_ arn: String, _ what: String) -> Self { Self("InvalidArn", "Invalid Arn: '\(arn)' is not the ARN of \(what)") }
  static func stateMachineDoesNotExist(_ arn: String) -> Self { Self("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(arn)'") }
  static func executionDoesNotExist(_ arn: String) -> Self { Self("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'") }
}
