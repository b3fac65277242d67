import FlowCore
import FlowDefinition
import Foundation

extension ScopeRunner {
  /// Runs one attempt of a Task state's step. The attempt is committed (`TaskScheduled`, `TaskStarted`) before
  /// the step runs, so a crash while it runs is seen on resume, which runs it again with the next attempt number.
  func runTask(_ state: State, _ task: TaskState, effective: JSONValue) async throws -> JSONValue {
    var token: String?
    var interrupted = false
    if case .task(_, let stored) = position.phase {
      token = stored
      interrupted = true
    }
    if task.waitsForTaskToken && token == nil { token = UUID().uuidString.lowercased() }
    let parameters = try state.parameters.map { try evaluate($0, on: effective, state: state, token: token) } ?? effective
    let timeout = try task.timeout.map { try resolve($0, on: effective, state: state, field: "TimeoutSecondsPath") }
    let heartbeat = try task.heartbeat.map { try resolve($0, on: effective, state: state, field: "HeartbeatSecondsPath") }
    guard let step = runtime.steps.step(for: task.resource) else {
      throw StepFailure("States.TaskFailed", cause: "No step is registered for the resource '\(task.resource)'.")
    }

    position.attempts += 1
    let attempt = position.attempts
    position.phase = .task(attempt: attempt, token: token)
    let key = "\(runtime.record.id)/\(id)/\(state.name)/\(position.visit)"
    var scheduled: JSONObject = ["resource": .string(task.resource), "parameters": parameters]
    if let timeout { scheduled["timeoutInSeconds"] = .double(timeout) }
    if let heartbeat { scheduled["heartbeatInSeconds"] = .double(heartbeat) }
    event("TaskScheduled", scheduled)
    var started: JSONObject = ["resource": .string(task.resource), "attempt": .int(attempt), "idempotencyKey": .string(key)]
    if interrupted { started["afterInterruption"] = true }
    event("TaskStarted", started)
    if let token, !interrupted {
      journal.stage(token: TaskTokenRecord(token: token, executionId: runtime.record.id, stateName: state.name,
                                           heartbeat: Date().timeIntervalSince1970))
    }
    stageScope()
    try journal.flush()  // durable before the step's effects

    let context = StepContext(
      executionId: runtime.record.id, stateName: state.name, attempt: attempt, idempotencyKey: key,
      artifactsDirectory: runtime.options.artifactsRoot.appendingPathComponent(runtime.record.id)
        .appendingPathComponent(state.name),
      logger: runtime.options.logger, timeoutSeconds: timeout,
      checkpoints: StepCheckpoints(
        load: { [store = runtime.store, execution = runtime.record.id] in try store.checkpoints(of: execution, key: key) },
        save: { [store = runtime.store, execution = runtime.record.id] in try store.appendCheckpoint($0, executionId: execution, key: key) }))
    do {
      let output = try await TaskInvocation(runtime: runtime, step: step, token: token, timeout: timeout, heartbeat: heartbeat)
        .run(parameters, context: context)
      try runtime.checkSize(output, state: state.name, what: "returned")
      event("TaskSucceeded", ["resource": .string(task.resource), "idempotencyKey": .string(key), "output": output])
      position.phase = .ready
      guard let selector = state.resultSelector else { return output }
      return try evaluate(selector, on: output, state: state)
    } catch let failure as StepFailure {
      let type = failure.error == "States.Timeout" || failure.error == "States.HeartbeatTimeout" ? "TaskTimedOut" : "TaskFailed"
      event(type, ["resource": .string(task.resource), "error": .string(failure.error), "cause": .string(failure.cause)])
      position.phase = .ready
      throw failure
    }
  }
}

/// One call of a step, raced against its timeout and heartbeat, and followed, for `.waitForTaskToken`
/// tasks, by waiting for `flow task success|failure`.
struct TaskInvocation {
  let runtime: ExecutionRuntime
  let step: any Step
  let token: String?
  let timeout: Double?
  let heartbeat: Double?

  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    if token == nil && timeout == nil && heartbeat == nil {
      // Nothing to race against: call the step directly, saving a child task per call.
      return try await Self.named { try await step.run(input, context: context) }
    }
    let beats = HeartbeatClock()
    var context = context
    context.heartbeat = { beats.beat() }
    let work = context
    return try await withThrowingTaskGroup(of: JSONValue.self) { group in
      group.addTask {
        try await Self.named {
          let output = try await step.run(input, context: work)
          guard let token else { return output }
          return try await waitForToken(token, beats: beats)
        }
      }
      if let timeout {
        group.addTask {
          try await Task.sleep(for: .seconds(timeout))
          throw StepFailure("States.Timeout", cause: "The task did not finish within \(Self.seconds(timeout)) seconds.")
        }
      }
      if let heartbeat {
        group.addTask {
          while true {
            let late = beats.last + heartbeat - Date().timeIntervalSince1970
            if late <= 0 {
              throw StepFailure("States.HeartbeatTimeout", cause: "No heartbeat was received within \(Self.seconds(heartbeat)) seconds.")
            }
            try await Task.sleep(for: .seconds(late))
          }
        }
      }
      defer { group.cancelAll() }
      return try await group.next()!
    }
  }

  private func waitForToken(_ token: String, beats: HeartbeatClock) async throws -> JSONValue {
    runtime.options.logger.notice("waiting for task token \(token): flow task success \(token) --output JSON")
    while true {
      if let record = try runtime.store.token(token) {
        beats.beat(at: record.heartbeat)
        switch record.status {
        case .succeeded: return record.output ?? .null
        case .failed: throw StepFailure(record.error ?? "", cause: record.cause ?? "")
        case .pending: break
        }
      }
      try await Task.sleep(for: .seconds(runtime.options.tokenPollSeconds))
    }
  }

  /// Runs `body`, turning any error but a ``StepFailure`` or a cancellation into `States.TaskFailed`.
  private static func named(_ body: () async throws -> JSONValue) async throws -> JSONValue {
    do {
      return try await body()
    } catch let failure as StepFailure {
      throw failure
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      throw StepFailure("States.TaskFailed", cause: String(describing: error))
    }
  }

  static func seconds(_ value: Double) -> String {
    value.rounded() == value ? String(Int(value)) : String(value)
  }
}

/// The time of the last heartbeat, shared between a step and the task watching it.
final class HeartbeatClock: @unchecked Sendable {
  private let lock = NSLock()
  private var time = Date().timeIntervalSince1970  // guarded by `lock`

  var last: Double { lock.withLock { time } }
  func beat(at when: Double = Date().timeIntervalSince1970) { lock.withLock { time = max(time, when) } }
}
