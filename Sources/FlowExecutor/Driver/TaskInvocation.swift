import FlowCore
import Foundation

/// One attempt of a task's step, raced against its timeout and heartbeat; and the wait for a task token's answer.
struct TaskInvocation {
  let runtime: ExecutionRuntime
  let call: TaskCall
  let scopeId: String

  /// Performs the attempt and says how it went. A `.waitForTaskToken` attempt whose token was answered before a
  /// crash is not invoked again: the answer is the outcome.
  func run() async throws -> ScopeMachine.Signal {
    if let token = call.token, !call.newToken, let answer = try Self.answer(token, runtime: runtime) { return answer }
    if call.activity, let token = call.token, let schedule = runtime.options.activityScheduler {
      do {
        try schedule(ActivityOffer(activity: call.resource, token: token, executionId: runtime.record.id, stateName: call.stateName,
                                   input: call.parameters, deadline: call.deadline, heartbeatSeconds: call.heartbeatSeconds))
      } catch let failure as StepFailure {
        return .taskFailed(failure)
      }
      return .taskInvoked
    }
    guard let step = runtime.steps.step(for: call.resource) else {
      return .taskFailed(StepFailure("States.TaskFailed", cause: "No step is registered for the resource '\(call.resource)'."))
    }
    // Secrets are resolved here, not in the machine, so that only the step ever sees their values; what it returns
    // or fails with is masked before the machine records it.
    let resolved: (value: JSONValue, secrets: [String])
    do {
      // flow:pipeline passes references on to its child execution unresolved (its input is stored).
      resolved = try StepRegistry.baseName(of: call.resource) == "flow:pipeline"
        ? (call.parameters, []) : runtime.options.secrets.resolve(call.parameters)
    } catch let failure as StepFailure {
      return .taskFailed(failure)
    }
    let (parameters, secrets) = resolved
    var context = StepContext(
      executionId: runtime.record.id, stateName: call.stateName, attempt: call.attempt, idempotencyKey: call.idempotencyKey,
      artifactsDirectory: runtime.options.artifactsRoot.appendingPathComponent(PathComponent.escaped(runtime.record.id))
        .appendingPathComponent(PathComponent.escaped(call.stateName)),
      logger: runtime.options.logger, timeoutSeconds: call.deadline.map { $0 - runtime.clock.now() },
      checkpoints: StepCheckpoints(
        load: { [store = runtime.store, execution = runtime.record.id, key = call.idempotencyKey] in
          try store.checkpoints(of: execution, key: key)
        },
        save: { [store = runtime.store, execution = runtime.record.id, key = call.idempotencyKey] in
          try store.appendCheckpoint($0, executionId: execution, key: key)
        }),
      resource: call.resource, mappedResources: runtime.pipeline.document["Flow"]?["Resources"]?.objectValue ?? JSONObject())
    context.secrets = secrets
    do {
      let output = SecretResolver.mask(try await invoke(step, input: parameters, context: context), secrets)
      return call.token == nil ? .taskSucceeded(output) : .taskInvoked
    } catch let failure as StepFailure {
      return .taskFailed(StepFailure(SecretResolver.mask(failure.error, secrets), cause: SecretResolver.mask(failure.cause, secrets)))
    }
  }

  private func invoke(_ step: any Step, input: JSONValue, context: StepContext) async throws -> JSONValue {
    if call.deadline == nil && call.heartbeatSeconds == nil {
      return try await Self.named { try await step.run(input, context: context) }
    }
    let clock = runtime.clock
    let beats = HeartbeatClock(start: clock.now())
    var context = context
    context.heartbeat = { [clock] in beats.beat(at: clock.now()) }
    let work = context
    return try await withThrowingTaskGroup(of: JSONValue.self) { group in
      group.addTask { try await Self.named { try await step.run(input, context: work) } }
      if let deadline = call.deadline {
        let seconds = TaskInvocation.seconds(call.timeoutSeconds ?? 0)
        group.addTask {
          try await clock.sleep(until: deadline)
          throw StepFailure("States.Timeout", cause: "The task did not finish within \(seconds) seconds.")
        }
      }
      if let heartbeat = call.heartbeatSeconds {
        group.addTask {
          while true {
            let due = beats.last + heartbeat
            if clock.now() >= due {
              throw StepFailure("States.HeartbeatTimeout", cause: "No heartbeat was received within \(Self.seconds(heartbeat)) seconds.")
            }
            try await clock.sleep(until: due)
          }
        }
      }
      defer { group.cancelAll() }
      return try await group.next()!
    }
  }

  /// The answer to `token` when it has one.
  static func answer(_ token: String, runtime: ExecutionRuntime) throws -> ScopeMachine.Signal? {
    guard let record = try runtime.store.token(token) else { return nil }
    switch record.status {
    case .succeeded: return .taskSucceeded(record.output ?? .null)
    case .failed: return .taskFailed(StepFailure(record.error ?? "", cause: record.cause ?? ""))
    case .pending: return nil
    }
  }

  /// Waits for `flow task success|failure` on `token`, failing the attempt when `deadline` passes or no heartbeat
  /// came for `heartbeat` seconds.
  static func awaitAnswer(_ token: String, deadline: Double?, heartbeat: Double?, runtime: ExecutionRuntime) async throws -> ScopeMachine.Signal {
    runtime.options.logger.notice("waiting for task token \(token): flow task success \(token) --output JSON")
    // A host bounding how many executions run at once does not count one that only waits (ExecutionSlot).
    return try await ExecutionSlots.released { try await pollAnswer(token, deadline: deadline, heartbeat: heartbeat, runtime: runtime) }
  }

  private static func pollAnswer(_ token: String, deadline: Double?, heartbeat: Double?, runtime: ExecutionRuntime) async throws -> ScopeMachine.Signal {
    let clock = runtime.clock
    while true {
      // A worker took the activity task: the machine records ActivityStarted (once per run; it ignores repeats).
      if let taken = runtime.options.activityTaken, !runtime.reportedActivityStarts.value.contains(token),
        let worker = try taken(token) {
        runtime.reportedActivityStarts.withLock { _ = $0.insert(token) }
        return .activityStarted(workerName: worker)
      }
      let record = try runtime.store.token(token)
      if let answer = try answer(token, runtime: runtime) { return answer }
      let now = clock.now()
      if let deadline, now >= deadline {
        return .taskFailed(StepFailure("States.Timeout", cause: "The task token was not answered before the task's TimeoutSeconds ran out."))
      }
      if let heartbeat, let beat = record?.heartbeat, now >= beat + heartbeat {
        return .taskFailed(StepFailure("States.HeartbeatTimeout", cause: "No heartbeat was received within \(seconds(heartbeat)) seconds."))
      }
      var wake = now + runtime.options.tokenPollSeconds
      if let deadline { wake = min(wake, deadline) }
      try await clock.sleep(until: wake)
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
final class HeartbeatClock: Sendable {
  private let time: Locked<Double>

  init(start: Double) { time = Locked(start) }
  var last: Double { time.value }
  func beat(at when: Double) { time.withLock { $0 = max($0, when) } }
}
