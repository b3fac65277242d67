import FlowCore
import FlowDefinition
import Foundation

/// `Retry` and `Catch` around the work of a Task, Parallel or Map state.
extension ScopeMachine {
  /// Decides what a failure of a state's work leads to: a retry after a back-off (when `retry` is true and a
  /// rule allows it), a `Catch` rule's next state, or the scope's failure (thrown).
  mutating func handleWorkFailure(_ state: State, _ failure: StepFailure, retry: Bool) throws -> StepResult {
    if position.retrierAttempts.count != state.retry.count {
      position.retrierAttempts = Array(repeating: 0, count: state.retry.count)
    }
    if retry, let index = state.retry.firstIndex(where: { $0.errorEquals.matches(error: failure.error) }),
      position.retrierAttempts[index] < state.retry[index].maxAttempts {
      let delay = Self.delay(state.retry[index], attempt: position.retrierAttempts[index], random: random())
      position.retrierAttempts[index] += 1
      position.retryCount += 1
      let until = now + delay
      position.phase = .retry(until: until)
      return .effect(.sleep(until: until))
    }
    guard let catcher = state.catchers.first(where: { $0.errorEquals.matches(error: failure.error) }) else {
      throw failure
    }
    position.phase = .ready
    let errorOutput: JSONValue = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
    if state.jsonata != nil {
      return try finishJSONata(state, fields: catcher.jsonata, StatesValues(input: position.input, errorOutput: errorOutput),
                               defaultOutput: errorOutput, transition: .next(catcher.next))
    }
    let variables = try assignments(catcher.assign, result: errorOutput, state: state)
    let output = try applyResultPath(catcher.resultPath, state: state, input: position.input, result: errorOutput)
    position.variables.merge(variables) { $1 }
    exit(state, output, assigned: variables)
    return .next(catcher.next, output)
  }

  /// `IntervalSeconds × BackoffRate^attempt`, capped by `MaxDelaySeconds` (and by one year, so that no rate or
  /// attempt count overflows), with full jitter scaled by `random` (uniform in `0..<1`) if asked.
  static func delay(_ retrier: Retrier, attempt: Int, random: Double) -> Double {
    var delay = retrier.intervalSeconds * pow(retrier.backoffRate, Double(attempt))
    if let cap = retrier.maxDelaySeconds { delay = min(delay, cap) }
    if !delay.isFinite || delay > Double(maxWaitSeconds) { delay = Double(maxWaitSeconds) }
    if retrier.jitter == .full { delay *= random }
    return max(0, delay)
  }
}
