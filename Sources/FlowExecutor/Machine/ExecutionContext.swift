import FlowCore

/// What every scope of one execution reads about the execution itself: the context object's `Execution` and
/// `StateMachine` members, and the payload limit.
struct ExecutionContext: Sendable {
  let executionId: String
  /// `$$.Execution` and `$$.StateMachine`, built once.
  let executionObject: JSONValue
  let stateMachineObject: JSONValue
  let payloadLimitBytes: Int
  /// Whether unmapped activity ARNs are durable activity tasks (``ExecutorOptions/activityScheduler``), and the
  /// pipeline's `Flow.Resources`.
  var durableActivities = false
  var mappedResources = JSONObject()

  init(record: ExecutionRecord, pipelineName: String, payloadLimitBytes: Int) {
    executionId = record.id
    executionObject = [
      "Id": .string(record.id), "Input": record.input, "Name": .string(record.name),
      "RoleArn": "", "StartTime": .string(Timestamps.format(record.startTime)),
      "RedriveCount": .int(record.redriveCount),
    ]
    stateMachineObject = ["Id": .string(record.pipelinePath), "Name": .string(pipelineName)]
    self.payloadLimitBytes = payloadLimitBytes
  }

  /// Whether a Task state with `resource` is a durable activity task.
  func isDurableActivity(_ resource: String) -> Bool {
    durableActivities && ResourceMapping.isActivity(resource) && ResourceMapping.lookup(resource, in: mappedResources) == nil
  }

  /// The context object `$$` for a state.
  func context(state: String, position: Position, token: String? = nil, mapItem: (Int, JSONValue)? = nil) -> JSONValue {
    var o: JSONObject = [
      "Execution": executionObject,
      "State": [
        "EnteredTime": .string(Timestamps.format(position.enteredTime)), "Name": .string(state),
        "RetryCount": .int(position.retryCount),
      ],
      "StateMachine": stateMachineObject,
    ]
    if let token { o["Task"] = ["Token": .string(token)] }
    if let (index, value) = mapItem { o["Map"] = ["Item": ["Index": .int(index), "Value": value]] }
    return .object(o)
  }
}
