import FlowCore

/// `TimeoutSeconds` (machine and Task) is a positive integer, and a Task's `HeartbeatSeconds` is positive
/// and shorter than its `TimeoutSeconds`.
struct TimeoutValidator: Validator {
  static let maxValue = 99_999_999

  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    if let timeout = document.machine.machine.timeoutSeconds, !(1...Self.maxValue).contains(timeout) {
      diagnostics.append(.error(.invalidTimeout, "'TimeoutSeconds' must be a positive integer, got \(timeout)",
                                at: document.root.location(at: "TimeoutSeconds")))
    }
    for doc in document.allStates {
      guard case .task(let task)? = doc.state?.kind else { continue }
      let timeout = literal(task.timeout), heartbeat = literal(task.heartbeat)
      if let timeout, !(1...Double(Self.maxValue)).contains(timeout) {
        diagnostics.append(.error(.invalidTimeout, "'TimeoutSeconds' must be a positive integer, got \(Int(timeout))",
                                  at: doc.node.location(at: "TimeoutSeconds")))
      }
      if let heartbeat, !(1...Double(Self.maxValue)).contains(heartbeat) {
        diagnostics.append(.error(.invalidTimeout, "'HeartbeatSeconds' must be a positive integer, got \(Int(heartbeat))",
                                  at: doc.node.location(at: "HeartbeatSeconds")))
      } else if let heartbeat, let timeout, heartbeat >= timeout {
        diagnostics.append(.error(.invalidTimeout,
                                  "'HeartbeatSeconds' (\(Int(heartbeat))) must be less than 'TimeoutSeconds' (\(Int(timeout)))",
                                  at: doc.node.location(at: "HeartbeatSeconds")))
      }
    }
  }

  private func literal(_ source: NumberSource?) -> Double? {
    if case .value(let v)? = source { v } else { nil }
  }
}
