import FlowCore
import FlowDefinition

/// One attempt of a Task state's step, as the driver performs it.
struct TaskCall: Sendable, Equatable {
  var resource: String
  var stateName: String
  var parameters: JSONValue
  var attempt: Int
  /// The same for every attempt of one visit of the state: `EXECUTION/SCOPE/STATE/VISIT`.
  var idempotencyKey: String
  /// The callback token of a `.waitForTaskToken` task.
  var token: String?
  /// True when the token was made for this attempt (the driver stores it with the attempt's commit).
  var newToken: Bool
  /// When `TimeoutSeconds` runs out (seconds since 1970).
  var deadline: Double?
  var timeoutSeconds: Double?
  var heartbeatSeconds: Double?
  /// A durable activity task (``ExecutorOptions/activityScheduler``): offered to workers, answered by its token.
  var activity = false
}

extension ScopeMachine {
  /// Starts the work of a Task, Parallel or Map state.
  mutating func startWork(_ state: State) throws -> StepResult {
    if position.retrierAttempts.count != state.retry.count {
      position.retrierAttempts = Array(repeating: 0, count: state.retry.count)
    }
    switch state.kind {
    case .task(let task): return .effect(try startAttempt(state, task, interrupted: false))
    case .parallel(let parallel): return try startParallel(state, parallel)
    case .map(let map): return try startMap(state, map, items: nil)
    default: preconditionFailure("only Task, Parallel and Map states have work to start")
    }
  }

  /// An attempt cut off by a crash runs again with the next attempt number and the same idempotency key.
  mutating func restartAttempt() throws -> StepResult {
    let state = try current
    guard case .task(let task) = state.kind else { return try runState() }
    do {
      return .effect(try startAttempt(state, task, interrupted: true))
    } catch let failure as StepFailure {
      return try handleWorkFailure(state, failure, retry: true)
    }
  }

  private mutating func startAttempt(_ state: State, _ task: TaskState, interrupted: Bool) throws -> Effect {
    let effective = try applyInputPath(state, position.input)
    var token: String?
    if case .task(_, let stored, _) = position.phase { token = stored }
    let activity = execution.isDurableActivity(task.resource)
    let newToken = (task.waitsForTaskToken || activity) && token == nil
    if newToken { token = self.newToken() }
    let parameters: JSONValue
    if let arguments = state.jsonata?.arguments {
      parameters = try evaluate(arguments, field: "Arguments", state: state, StatesValues(input: effective, token: token))
    } else {
      parameters = try state.parameters.map { try evaluate($0, on: effective, state: state, token: token) } ?? effective
    }
    let timeout = try task.timeout.map { try seconds($0, on: effective, state: state, field: "TimeoutSecondsPath") }
    let heartbeat = try task.heartbeat.map { try seconds($0, on: effective, state: state, field: "HeartbeatSecondsPath") }
    position.attempts += 1
    let deadline = timeout.map { now + $0 }
    position.phase = .task(attempt: position.attempts, token: token, deadline: deadline)
    position.activityStarted = false
    let key = "\(execution.executionId)/\(scopeId)/\(state.name)/\(position.visit)"
    var flow: JSONObject = ["attempt": .int(position.attempts), "idempotencyKey": .string(key)]
    if interrupted { flow["afterInterruption"] = true }
    if activity {
      activityScheduled(task.resource, input: parameters, timeout: timeout, heartbeat: heartbeat, flow: flow)
    } else {
      event(.taskScheduled, EventDetails.taskScheduled(resource: task.resource, parameters: parameters, timeout: timeout, heartbeat: heartbeat))
      event(.taskStarted, EventDetails.taskStarted(resource: task.resource), flow: flow)
    }
    return .runTask(TaskCall(resource: task.resource, stateName: state.name, parameters: parameters, attempt: position.attempts,
                             idempotencyKey: key, token: token, newToken: newToken, deadline: deadline,
                             timeoutSeconds: timeout, heartbeatSeconds: heartbeat, activity: activity))
  }

  /// The heartbeat interval of the current Task state, evaluated again (it is a pure function of the input).
  func currentHeartbeat() throws -> Double? {
    let state = try current
    guard case .task(let task) = state.kind, let heartbeat = task.heartbeat else { return nil }
    return try seconds(heartbeat, on: applyInputPath(state, position.input), state: state, field: "HeartbeatSecondsPath")
  }

  mutating func taskSucceeded(_ output: JSONValue) throws -> StepResult {
    let state = try current
    guard case .task(let task) = state.kind else { throw runtimeError("A task result arrived outside a Task state.") }
    let key = "\(execution.executionId)/\(scopeId)/\(state.name)/\(position.visit)"
    position.phase = .ready
    do {
      try checkSize(output, what: "returned")
      if execution.isDurableActivity(task.resource) {
        event(.activitySucceeded, ["output": output], flow: ["idempotencyKey": .string(key)])
      } else {
        event(.taskSucceeded, EventDetails.taskSucceeded(resource: task.resource, output: output),
              flow: ["idempotencyKey": .string(key)])
      }
      let result = try state.resultSelector.map { try evaluate($0, on: output, state: state) } ?? output
      do {
        return try finishWork(state, result: result)
      } catch let failure as StepFailure {
        return try handleWorkFailure(state, failure, retry: false)
      }
    } catch let failure as StepFailure {
      return try handleWorkFailure(state, failure, retry: true)
    }
  }

  mutating func taskFailed(_ failure: StepFailure) throws -> StepResult {
    let state = try current
    guard case .task(let task) = state.kind else { throw failure }
    position.phase = .ready
    let timedOut = failure.error == "States.Timeout" || failure.error == "States.HeartbeatTimeout"
    let flow: JSONObject = ["idempotencyKey": .string("\(execution.executionId)/\(scopeId)/\(state.name)/\(position.visit)")]
    if execution.isDurableActivity(task.resource) {
      activityFailed(failure, timedOut: timedOut, flow: flow)
    } else {
      event(timedOut ? .taskTimedOut : .taskFailed, EventDetails.taskFailed(resource: task.resource, error: failure.error, cause: failure.cause),
            flow: flow)
    }
    return try handleWorkFailure(state, failure, retry: true)
  }
}
