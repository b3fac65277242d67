import FlowCore
import Foundation

/// Runs the AWS resources a pipeline maps to local programs in its `Flow.Resources` block (``ResourceMapping``):
/// each program runs as `flow:exec` runs one, with the task's input on stdin.
///
/// - `arn:aws:states:::lambda:invoke` (optimized integration): the function is `Parameters.FunctionName`, its
///   input `Parameters.Payload` (default `{}`), and the result has the shape Step Functions returns —
///   `{"ExecutedVersion": "$LATEST", "Payload": …, "SdkHttpMetadata": {…}, "SdkResponseMetadata": {…},
///   "StatusCode": 200}` — so `ResultSelector: {"x.$": "$.Payload"}` works as on AWS.
/// - A Lambda function ARN as the `Resource`, or an activity ARN: the program gets the effective input and its
///   output is the result, unwrapped, as on AWS.
///
/// A program that exits non-zero fails the task with the mapping's `ErrorName`, by default `Lambda.Unknown` for
/// a function and `States.TaskFailed` for an activity.
public struct MappedResourceStep: Step {
  public init() {}

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let resource = StepRegistry.baseName(of: context.resource)
    if resource == ResourceMapping.lambdaInvoke {
      guard let function = input["FunctionName"]?.stringValue, !function.isEmpty else {
        throw StepFailure("States.Runtime", cause: "lambda:invoke needs a 'FunctionName' string in its Parameters")
      }
      let payload = try await invoke(function, input: input["Payload"] ?? .emptyObject, defaultError: "Lambda.Unknown",
                                     context: context)
      return .object([
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": .object([
          "AllHttpHeaders": .object(["X-Amz-Executed-Version": .array(["$LATEST"])]),
          "HttpHeaders": .object(["X-Amz-Executed-Version": "$LATEST"]),
          "HttpStatusCode": 200,
        ]),
        "SdkResponseMetadata": .object(["RequestId": .string(context.idempotencyKey)]),
        "StatusCode": 200,
      ])
    }
    let isFunction = ResourceMapping.functionName(of: resource) != nil
    return try await invoke(resource, input: input, defaultError: isFunction ? "Lambda.Unknown" : "States.TaskFailed",
                            context: context)
  }

  private func invoke(_ name: String, input: JSONValue, defaultError: String, context: StepContext) async throws -> JSONValue {
    guard let mapped = ResourceMapping.lookup(name, in: context.mappedResources), var parameters = mapped.objectValue else {
      throw StepFailure("States.Runtime",
                        cause: "'\(name)' is not mapped to a local program: add it under Flow.Resources with a Command")
    }
    parameters["Input"] = input
    if parameters["ErrorName"] == nil { parameters["ErrorName"] = .string(defaultError) }
    return try await ExecStep().run(.object(parameters), context: context)
  }
}
