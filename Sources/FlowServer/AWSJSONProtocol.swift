import FlowCore

/// AWS JSON 1.0 as Step Functions speaks it: `POST /`, `X-Amz-Target: AWSStepFunctions.<Action>`,
/// `Content-Type: application/x-amz-json-1.0`, a JSON object in and out, and errors as
/// `{"__type": NAME, "message": TEXT}` with AWS's HTTP status.
public enum AWSJSONProtocol {
  public static let contentType = "application/x-amz-json-1.0"
  public static let targetPrefix = "AWSStepFunctions."

  /// The action named by `X-Amz-Target` and the request's JSON object.
  /// - Throws: ``StepFunctionsError``: `UnknownOperationException` for a missing or foreign target,
  ///   `SerializationException` for a body that is not a JSON object or a content type that is not JSON.
  public static func decode(target: String?, contentType: String?, body: [UInt8]) throws(StepFunctionsError) -> (action: String, input: JSONValue) {
    guard let target, target.hasPrefix(targetPrefix), target.count > targetPrefix.count else {
      throw StepFunctionsError("UnknownOperationException", target.map { "unknown operation target '\($0)'; expected \(targetPrefix)<Action>" }
        ?? "the request has no X-Amz-Target header; expected \(targetPrefix)<Action>")
    }
    if let contentType, !contentType.isEmpty {
      let base = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
      guard base.hasPrefix("application/x-amz-json-") || base == "application/json" else {
        throw .serialization("the content type '\(contentType)' is not \(Self.contentType)")
      }
    }
    let action = String(target.dropFirst(targetPrefix.count))
    if body.isEmpty { return (action, .object([:])) }
    let input: JSONValue
    do { input = try JSONValue(parsing: String(decoding: body, as: UTF8.self)) } catch {
      throw .serialization("the request body is not valid JSON (\(error.line):\(error.column): \(error.message))")
    }
    guard case .object = input else { throw .serialization("the request body must be a JSON object, not \(input.typeName)") }
    return (action, input)
  }

  /// The body of a successful response.
  public static func encode(_ value: JSONValue) -> String { value.serialized() }

  /// The body of an error response.
  public static func encode(_ error: StepFunctionsError) -> String {
    JSONValue.object(["__type": .string(error.type), "message": .string(error.message)]).serialized()
  }
}
