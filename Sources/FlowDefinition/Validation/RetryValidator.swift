import FlowCore

/// `Retry` values are in range, and `States.ALL` is alone in its `ErrorEquals` and in the last retrier or catcher.
struct RetryValidator: Validator {
  static let maxValue = 99_999_999

  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    for doc in document.allStates {
      guard let state = doc.state else { continue }
      let node = doc.node
      for (i, retrier) in state.retry.enumerated() {
        func report(_ field: String, _ message: String) {
          diagnostics.append(.error(.invalidRetry, message, at: node.location(at: "Retry", .index(i), .key(field))))
        }
        if !(1...Double(Self.maxValue)).contains(retrier.intervalSeconds) {
          report("IntervalSeconds", "'IntervalSeconds' must be at least 1, got \(Int(retrier.intervalSeconds))")
        }
        if !(0...Self.maxValue).contains(retrier.maxAttempts) {
          report("MaxAttempts", "'MaxAttempts' must be between 0 and \(Self.maxValue), got \(retrier.maxAttempts)")
        }
        // AWS bounds BackoffRate like the other retrier numbers; an absurd rate would overflow the delay.
        if !(1...Double(Self.maxValue)).contains(retrier.backoffRate) {
          report("BackoffRate", "'BackoffRate' must be between 1.0 and \(Self.maxValue), got \(JSONValue.double(retrier.backoffRate))")
        }
        if let maxDelay = retrier.maxDelaySeconds, !(1...31_622_400).contains(maxDelay) {
          report("MaxDelaySeconds", "'MaxDelaySeconds' must be between 1 and 31622400, got \(Int(maxDelay))")
        }
      }
      checkStatesAll(state.retry.map(\.errorEquals), field: "Retry", in: node, into: &diagnostics)
      checkStatesAll(state.catchers.map(\.errorEquals), field: "Catch", in: node, into: &diagnostics)
    }
  }

  private func checkStatesAll(_ lists: [[String]], field: String, in node: LocatedNode, into diagnostics: inout [Diagnostic]) {
    for (i, names) in lists.enumerated() {
      guard let position = names.firstIndex(of: "States.ALL") else { continue }
      let at = node.location(at: .key(field), .index(i), "ErrorEquals", .index(position))
      if names.count > 1 {
        diagnostics.append(.error(.statesAllPosition, "'States.ALL' must be the only error name in its 'ErrorEquals'", at: at))
      }
      if i != lists.count - 1 {
        diagnostics.append(.error(.statesAllPosition, "the \(field == "Retry" ? "retrier" : "catcher") with 'States.ALL' must be the last one",
                                  at: at, hint: "entries after it could never match"))
      }
    }
  }
}
