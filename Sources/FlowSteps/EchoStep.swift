import FlowCore

/// `flow:echo`: returns its input, after waiting `DelaySeconds` (a number in the input object) if given.
///
/// A step with no cost of its own, for tests, benchmarks and examples.
public struct EchoStep: Step {
  public init() {}

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    if let delay = input["DelaySeconds"] {
      guard let seconds = delay.doubleValue, seconds >= 0 else {
        throw StepFailure("Echo.InvalidParameters", cause: "DelaySeconds must be a non-negative number, got \(delay)")
      }
      try await Task.sleep(for: .seconds(seconds))
    }
    return input
  }
}
