import FlowCore

/// How an execution ended, and what that writes: its last history event and its final status. A pure function
/// of the outcome, the time and the last event's id.
enum ExecutionEnding: Equatable {
  case succeeded(JSONValue)
  case failed(StepFailure)
  case timedOut(seconds: Int)
  case aborted(error: String?, cause: String?)

  /// The final event (following event `last`, numbered `last + 1`) and the execution's finish.
  func record(after last: Int, at now: Double) -> (event: HistoryEvent, finish: ExecutionFinish) {
    let id = last + 1
    switch self {
    case .succeeded(let output):
      return (HistoryEvent(id: id, previousId: last, type: .executionSucceeded, timestamp: now,
                           details: EventDetails.executionSucceeded(output: output)),
              ExecutionFinish(status: .succeeded, output: output, stopTime: now))
    case .failed(let failure):
      // A Fail state with neither Error nor Cause leaves both absent, as Step Functions does.
      let error = failure.error.isEmpty ? nil : failure.error
      let cause = failure.cause.isEmpty ? nil : failure.cause
      return (HistoryEvent(id: id, previousId: last, type: .executionFailed, timestamp: now,
                           details: EventDetails.failure(error: error, cause: cause)),
              ExecutionFinish(status: .failed, error: error, cause: cause, stopTime: now))
    case .timedOut(let seconds):
      let cause = "The execution ran longer than its TimeoutSeconds (\(seconds) s)."
      return (HistoryEvent(id: id, previousId: last, type: .executionTimedOut, timestamp: now,
                           details: EventDetails.failure(error: "States.Timeout", cause: cause)),
              ExecutionFinish(status: .timedOut, error: "States.Timeout", cause: cause, stopTime: now))
    case .aborted(let error, let cause):
      return (HistoryEvent(id: id, previousId: last, type: .executionAborted, timestamp: now,
                           details: EventDetails.failure(error: error, cause: cause)),
              ExecutionFinish(status: .aborted, error: error, cause: cause, stopTime: now))
    }
  }
}
