import FlowCore
import FlowDefinition
import Foundation

/// `Retry` and `Catch` around the work of a Task, Parallel or Map state.
extension ScopeRunner {
  func runWithErrorHandling(_ state: State, input: JSONValue) async throws -> Outcome {
    let effective = try applyInputPath(state, input)
    do {
      let result = try await withRetry(state) {
        switch state.kind {
        case .task(let task): try await self.runTask(state, task, effective: effective)
        case .parallel(let parallel): try await self.runParallel(state, parallel, effective: effective)
        case .map(let map): try await self.runMap(state, map, effective: effective)
        default: preconditionFailure("only Task, Parallel and Map states have Retry and Catch")
        }
      }
      return try finish(state, input: input, result: result)
    } catch let failure as StepFailure {
      guard let catcher = state.catchers.first(where: { $0.errorEquals.matches(error: failure.error) }) else {
        throw failure
      }
      let errorOutput: JSONValue = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
      let variables = try assignments(catcher.assign, result: errorOutput, state: state)
      let output = try applyResultPath(catcher.resultPath, state: state, input: input, result: errorOutput)
      position.variables.merge(variables) { $1 }
      exit(state, output)
      return .next(catcher.next, output)
    }
  }

  /// Runs `work`, retrying it as the state's `Retry` rules say. The back-off is durable: its end is committed
  /// before sleeping, and a resumed execution waits only for what remains.
  private func withRetry(_ state: State, _ work: () async throws -> JSONValue) async throws -> JSONValue {
    if position.retrierAttempts.count != state.retry.count {
      position.retrierAttempts = Array(repeating: 0, count: state.retry.count)
    }
    while true {
      if case .retry(let until) = position.phase {
        let remaining = until - Date().timeIntervalSince1970
        if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
        position.phase = .ready
      }
      do {
        return try await work()
      } catch let failure as StepFailure {
        guard let index = state.retry.firstIndex(where: { $0.errorEquals.matches(error: failure.error) }),
          position.retrierAttempts[index] < state.retry[index].maxAttempts
        else { throw failure }
        let retrier = state.retry[index]
        let delay = Self.delay(retrier, attempt: position.retrierAttempts[index])
        position.retrierAttempts[index] += 1
        position.retryCount += 1
        position.phase = .retry(until: Date().timeIntervalSince1970 + delay)
        event("RetryScheduled", ["name": .string(state.name), "error": .string(failure.error),
                                  "delaySeconds": .double(delay), "retryCount": .int(position.retryCount)])
        stageScope()
        try journal.flush()
      }
    }
  }

  /// `IntervalSeconds × BackoffRate^attempt`, capped by `MaxDelaySeconds`, with full jitter if asked.
  static func delay(_ retrier: Retrier, attempt: Int) -> Double {
    var delay = retrier.intervalSeconds * pow(retrier.backoffRate, Double(attempt))
    if let cap = retrier.maxDelaySeconds { delay = min(delay, cap) }
    if retrier.jitter == .full { delay = Double.random(in: 0...delay) }
    return delay
  }
}
