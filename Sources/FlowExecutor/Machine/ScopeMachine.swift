import FlowCore
import FlowDefinition

/// The transition function of one scope (the top level, a Parallel branch or a Map iteration): given what just
/// happened, it returns the history events to append, moves its ``position``, and names the one effect to perform
/// next.
///
/// It has no clock, no sleep, no store and no file: the time, randomness and event numbering come in as
/// ``Inputs``. The driver (``ScopeDriver``) is the only caller, and its loop is the only way a transition happens:
/// `handle` → commit the events and the new position → perform the effect → `handle` its outcome.
///
/// ```swift
/// var machine = ScopeMachine(machine: pipeline.machine, scopeId: "root", execution: context, position: start)
/// let first = machine.handle(.proceed, inputs)        // e.g. .runTask(call) with TaskScheduled, TaskStarted
/// let next = machine.handle(.taskSucceeded(output), inputs)
/// ```
struct ScopeMachine: Sendable {
  /// What happened, fed to ``handle(_:_:)``.
  enum Signal: Sendable, Equatable {
    /// Start, or continue after a restart, from the position as stored.
    case proceed
    /// The task attempt's step returned this result (for a `.waitForTaskToken` task: the token's answer).
    case taskSucceeded(JSONValue)
    case taskFailed(StepFailure)
    /// A `.waitForTaskToken` task's step returned: from now on only the token's answer is awaited.
    case taskInvoked
    /// A worker took the awaited activity task (`workerName`, empty if it gave none).
    case activityStarted(workerName: String)
    /// The time of a ``Effect/sleep(until:)`` has come.
    case timerFired
    /// A Map's `ItemReader` was read.
    case itemsRead(Result<[JSONValue], StepFailure>)
    /// A Parallel's branches or a Map's iterations ended (see ``FanOut``).
    case childrenFinished(Result<[JSONValue], StepFailure>)
    /// A DISTRIBUTED Map's run ended with the Map's result (see ``MapRunBatch``).
    case mapRunEnded(Result<JSONValue, StepFailure>)
  }

  /// The one thing to do after a transition; the driver commits before every effect that reaches outside.
  enum Effect: Sendable, Equatable {
    case runTask(TaskCall)
    /// Wait for the answer to a task token (``TaskCall/token``), until `deadline` if one is set.
    case awaitToken(token: String, deadline: Double?, heartbeat: Double?)
    case sleep(until: Double)
    case readItems(ItemRead)
    case runChildren(ChildBatch)
    /// Run a DISTRIBUTED Map's items as child executions, then ``Signal/mapRunEnded(_:)``.
    case runMapRun(MapRunBatch)
    /// Nothing outside happened, but many transitions did: publish them, then ``Signal/proceed`` again.
    case yield
    /// The scope ended.
    case finished(Result<JSONValue, StepFailure>)
    /// The whole execution must fail now, whatever Catch rules say (its history limit was reached).
    case failExecution(StepFailure)
  }

  /// What a transition reads besides the position.
  struct Inputs: Sendable {
    /// Seconds since 1970.
    var now: Double
    /// A uniform number in `0..<1` (retry jitter).
    var random: @Sendable () -> Double
    /// A new task token.
    var newToken: @Sendable () -> String
    /// The id of the next history event of the execution.
    var nextEventId: @Sendable () -> Int
    /// The largest event id the execution may reach.
    var historyLimit: Int
  }

  /// A transition's result.
  struct Transition {
    var events: [HistoryEvent]
    var effect: Effect
  }

  let machine: StateMachine
  let scopeId: String
  let execution: ExecutionContext
  /// Where the scope stands; only transitions (this type's own methods) change it.
  var position: Position
  /// Effect-free transitions after which the machine yields (so the driver can publish and check for cancellation).
  var yieldEvery = 256

  // Set for the duration of one `handle` call.
  private(set) var inputs: Inputs?
  private var events: [HistoryEvent] = []
  private var limitReached = false

  init(machine: StateMachine, scopeId: String, execution: ExecutionContext, position: Position) {
    self.machine = machine
    self.scopeId = scopeId
    self.execution = execution
    self.position = position
  }

  /// The transition for `signal` at `inputs.now`.
  mutating func handle(_ signal: Signal, _ inputs: Inputs) -> Transition {
    self.inputs = inputs
    events = []
    let effect: Effect
    do {
      effect = limitReached ? .failExecution(HistoryLimitReached(limit: inputs.historyLimit).failure) : try react(signal)
    } catch let limit as HistoryLimitReached {
      effect = .failExecution(limit.failure)
    } catch let failure as StepFailure {
      effect = failScope(failure)
    } catch {
      effect = failScope(StepFailure("States.Runtime", cause: "\(errorPrefix) \(error)"))
    }
    self.inputs = nil
    let transition = Transition(events: events, effect: limitReached ? .failExecution(HistoryLimitReached(limit: inputs.historyLimit).failure) : effect)
    events = []
    return transition
  }

  var now: Double { inputs?.now ?? 0 }

  private mutating func react(_ signal: Signal) throws -> Effect {
    switch signal {
    case .proceed: return try resume()
    case .taskSucceeded(let output): return try drive(taskSucceeded(output))
    case .taskFailed(let failure): return try drive(taskFailed(failure))
    case .taskInvoked:
      guard case .task(_, let token?, let deadline) = position.phase else { return try resume() }
      position.phase = .awaitingToken(token: token, deadline: deadline)
      return .awaitToken(token: token, deadline: deadline, heartbeat: try currentHeartbeat())
    case .activityStarted(let worker):
      guard case .awaitingToken(let token, let deadline) = position.phase else { return try resume() }
      activityStarted(worker)
      return .awaitToken(token: token, deadline: deadline, heartbeat: try currentHeartbeat())
    case .timerFired: return try drive(timerFired())
    case .itemsRead(let items): return try drive(itemsRead(items))
    case .childrenFinished(let result): return try drive(childrenFinished(result))
    case .mapRunEnded(let result): return try drive(mapRunEnded(result))
    }
  }

  /// Continues from the stored position: a new scope starts, an interrupted one picks up its phase.
  private mutating func resume() throws -> Effect {
    switch position.phase {
    case .ready, .children:
      return try drive(runState())
    case .task:
      return try drive(restartAttempt())
    case .awaitingToken(let token, let deadline):
      return .awaitToken(token: token, deadline: deadline, heartbeat: try currentHeartbeat())
    case .retry(let until), .waiting(let until):
      return until <= now ? try drive(timerFired()) : .sleep(until: until)
    }
  }

  /// Where one state's work leads.
  enum StepResult {
    case next(String, JSONValue)
    case end(JSONValue)
    case effect(Effect)
  }

  /// Follows transitions through effect-free states until the scope needs an effect or ends.
  private mutating func drive(_ first: StepResult) throws -> Effect {
    var result = first
    var transitions = 0
    while true {
      if limitReached, let inputs { throw HistoryLimitReached(limit: inputs.historyLimit) }
      switch result {
      case .effect(let effect):
        return effect
      case .end(let output):
        try checkSize(output, what: "returned")
        return finishScope(output)
      case .next(let next, let output):
        try checkSize(output, what: "returned")
        position.advance(to: next, input: output)
        transitions += 1
        if transitions >= yieldEvery { return .yield }
      }
      result = try runState()
    }
  }

  /// Enters the current state if needed and does its work.
  mutating func runState() throws -> StepResult {
    guard let state = machine.states[position.state] else {
      throw runtimeError("The state '\(position.state)' does not exist.")
    }
    if !position.begun {
      position.begun = true
      if let iteration = position.iteration {
        event(.mapIterationStarted, EventDetails.mapIteration(iteration.name, index: iteration.index))
      }
    }
    if position.enteredEvent == 0 {
      position.enteredTime = now
      // A later state's input is the previous state's output, whose size `drive` checked already.
      if position.visit == 0 { try checkSize(position.input, what: "received") }
      position.enteredEvent = event(state.eventTypes.entered,
                                    EventDetails.stateEntered(state.name, input: position.input))
    }
    return try work(of: state)
  }

  private mutating func finishScope(_ output: JSONValue) -> Effect {
    if let iteration = position.iteration {
      event(.mapIterationSucceeded, EventDetails.mapIteration(iteration.name, index: iteration.index))
    }
    return .finished(.success(output))
  }

  private mutating func failScope(_ failure: StepFailure) -> Effect {
    if let iteration = position.iteration {
      event(.mapIterationFailed, EventDetails.mapIteration(iteration.name, index: iteration.index))
    }
    return .finished(.failure(failure))
  }

  /// Appends an event that follows from this scope's previous one; returns its id.
  @discardableResult
  mutating func event(_ type: HistoryEventType, _ details: JSONObject = [:], flow: JSONObject = [:]) -> Int {
    let id = inputs?.nextEventId() ?? 0
    if id > inputs?.historyLimit ?? .max { limitReached = true }
    events.append(HistoryEvent(id: id, previousId: position.previousEvent, type: type, timestamp: now,
                               details: details, flow: flow))
    position.previousEvent = id
    return id
  }

  mutating func random() -> Double { inputs?.random() ?? 0 }
  mutating func newToken() -> String { inputs?.newToken() ?? "" }

  /// The current state (it exists: ``runState()`` checked).
  var current: State {
    get throws {
      guard let state = machine.states[position.state] else {
        throw runtimeError("The state '\(position.state)' does not exist.")
      }
      return state
    }
  }

  /// Fails with `States.DataLimitExceeded` when `value` is larger than the payload limit.
  func checkSize(_ value: JSONValue, what: String) throws {
    let size = value.serialized().utf8.count
    if size > execution.payloadLimitBytes {
      throw StepFailure(
        "States.DataLimitExceeded",
        cause: "The state/task '\(position.state)' \(what) a payload of \(size) bytes, exceeding the maximum of \(execution.payloadLimitBytes) bytes.")
    }
  }
}

/// The execution's history reached its limit: the execution fails, whatever Catch rules say.
struct HistoryLimitReached: Error {
  var limit: Int
  var failure: StepFailure {
    StepFailure("States.Runtime",
                cause: "The execution reached its limit of \(limit) history events (Flow.MaxHistoryEvents or --max-history-events raises it).")
  }
}
