import FlowCore

/// The history of a durable activity task in Step Functions' names: `ActivityScheduled` (no `TaskScheduled` /
/// `TaskStarted`), `ActivityStarted` when a worker takes it, then `ActivitySucceeded`, `ActivityFailed`,
/// `ActivityTimedOut` or (the activity does not exist) `ActivityScheduleFailed`.
extension ScopeMachine {
  mutating func activityScheduled(_ resource: String, input: JSONValue, timeout: Double?, heartbeat: Double?, flow: JSONObject) {
    var details: JSONObject = ["resource": .string(resource), "input": input]
    if let timeout { details["timeoutInSeconds"] = .int(Int(timeout.rounded(.up))) }
    if let heartbeat { details["heartbeatInSeconds"] = .int(Int(heartbeat.rounded(.up))) }
    event(.activityScheduled, details, flow: flow)
  }

  /// Records that a worker took the task, once per attempt (a resumed execution may be told again).
  mutating func activityStarted(_ worker: String) {
    guard !position.activityStarted else { return }
    position.activityStarted = true
    event(.activityStarted, worker.isEmpty ? [:] : ["workerName": .string(worker)])
  }

  mutating func activityFailed(_ failure: StepFailure, timedOut: Bool, flow: JSONObject) {
    let type: HistoryEventType = timedOut ? .activityTimedOut
      : failure.error == "ActivityDoesNotExist" && !position.activityStarted ? .activityScheduleFailed : .activityFailed
    event(type, EventDetails.failure(error: failure.error, cause: failure.cause), flow: flow)
  }
}
