import FlowCore
import FlowDefinition

/// One state of a state machine run once, on a given input, with its work mocked: what Step Functions' TestState
/// answers (`flow server`'s TestState calls it).
///
/// It is a pure function of its arguments: no store, no clock, no step runs. The state goes through the
/// executor's own transition function (``ScopeMachine``), so its data flow, `Retry`, `Catch` and `Assign` are the
/// ones an execution would see. A Task's result (or error) is the `mock`; a Wait state does not wait (it reports
/// its next state); a Parallel or Map's result is the `mock` (it must be an array, as their results are).
///
/// ```swift
/// let outcome = try StateTest.run(pipeline.machine, state: "Fetch", input: ["id": 7],
///                                 mock: .result(["price": 3]), now: 1_700_000_000)
/// outcome.status        // .succeeded
/// outcome.nextState     // "Store"
/// ```
public struct StateTest: Sendable {
  /// What the state's work returns instead of running.
  public enum Mock: Sendable, Equatable {
    case result(JSONValue)
    case failure(StepFailure)
  }

  /// How the state ended, in TestState's names.
  public enum Status: String, Sendable, Equatable {
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    /// A `Retry` rule would run the work again after ``Inspection/retryBackoffSeconds``.
    case retriable = "RETRIABLE"
    /// A `Catch` rule took the error to ``Outcome/nextState``.
    case caughtError = "CAUGHT_ERROR"
  }

  /// The state's data at each stage of its processing (nil: the stage does not apply to this state, or an
  /// earlier one failed).
  public struct Inspection: Sendable, Equatable {
    public var input: JSONValue?
    public var afterInputPath: JSONValue?
    public var afterParameters: JSONValue?
    /// A JSONata Task's evaluated `Arguments`.
    public var afterArguments: JSONValue?
    public var result: JSONValue?
    public var afterResultSelector: JSONValue?
    public var afterResultPath: JSONValue?
    /// The variables after the state (its `Assign` applied).
    public var variables: JSONObject = JSONObject()
    /// The index of the `Retry` rule that matched the error.
    public var retryIndex: Int?
    public var retryBackoffSeconds: Double?
    /// The index of the `Catch` rule that matched the error.
    public var catchIndex: Int?
  }

  /// What running the state came to.
  public struct Outcome: Sendable, Equatable {
    public var status: Status
    /// The state's output (absent when it failed or is retriable).
    public var output: JSONValue?
    public var failure: StepFailure?
    /// The state the execution would go to next (nil at an end, on failure, and when retriable).
    public var nextState: String?
    public var inspection: Inspection
  }

  /// Thrown when the state cannot be tested this way; `message` says why (a Task without a mock, a Map that
  /// reads its items from a file, a state that does not exist).
  public struct Unsupported: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  /// Runs `state` of `machine` once.
  /// - Parameters:
  ///   - variables: the variables the state sees (`$name` / JSONata `$name`).
  ///   - mock: the work's result or error; required for Task, Parallel and Map states.
  ///   - retrierRetryCount: how many retries every `Retry` rule of the state has made already.
  ///   - context: the context object's `Execution` and `StateMachine` members (`$$`), if given.
  ///   - now: the time (seconds since 1970) the state runs at; `random` draws retry jitter.
  /// - Throws: ``Unsupported``.
  public static func run(_ machine: StateMachine, state name: String, input: JSONValue, variables: JSONObject? = nil,
                         mock: Mock? = nil, retrierRetryCount: Int = 0, context: JSONValue? = nil, now: Double,
                         random: @escaping @Sendable () -> Double = { 0.5 }) throws(Unsupported) -> Outcome {
    guard let state = machine.states[name] else { throw Unsupported(message: "The state '\(name)' does not exist.") }
    var position = Position(state: name, input: input, previousEvent: 0,
                            variables: Dictionary(uniqueKeysWithValues: (variables ?? [:]).map { ($0.key, $0.value) }))
    position.retrierAttempts = Array(repeating: max(0, retrierRetryCount), count: state.retry.count)
    position.retryCount = max(0, retrierRetryCount)
    var scope = ScopeMachine(machine: machine, scopeId: "test", execution: ExecutionContext(testing: context), position: position)
    scope.yieldEvery = 1
    let inputs = ScopeMachine.Inputs(now: now, random: random, newToken: { "test-state-token" }, nextEventId: { 1 },
                                     historyLimit: .max)
    let before = scope
    var transition = scope.handle(.proceed, inputs)
    var parameters: JSONValue?
    switch transition.effect {
    case .runTask(let call):
      parameters = call.parameters
      guard let mock else {
        throw Unsupported(message: "flow's TestState runs no step: the Task state '\(name)' needs a 'mock' ({\"result\": …} or {\"errorOutput\": …}).")
      }
      switch mock {
      case .result(let value): transition = scope.handle(.taskSucceeded(value), inputs)
      case .failure(let failure): transition = scope.handle(.taskFailed(failure), inputs)
      }
    case .runChildren:
      guard let mock else {
        throw Unsupported(message: "flow's TestState runs no branches or iterations: the \(state.typeName) state '\(name)' needs a 'mock'.")
      }
      switch mock {
      case .result(.array(let results)): transition = scope.handle(.childrenFinished(.success(results)), inputs)
      case .result:
        throw Unsupported(message: "The mock result of the \(state.typeName) state '\(name)' must be a JSON array.")
      case .failure(let failure): transition = scope.handle(.childrenFinished(.failure(failure)), inputs)
      }
    case .readItems:
      throw Unsupported(message: "flow's TestState does not read a Map's ItemReader (state '\(name)').")
    case .sleep where scope.position.phase.isWaiting:
      transition = scope.handle(.timerFired, inputs)
    default:
      break
    }

    var outcome = Outcome(status: .succeeded, inspection: Inspection())
    var failure: StepFailure?
    if case .failure(let mocked)? = mock { failure = mocked }
    switch transition.effect {
    case .yield:
      outcome.nextState = scope.position.state
      outcome.output = scope.position.input
      let normalNext: String? = if case .next(let next)? = state.transition { next } else { nil }
      // A Catch rule led elsewhere than `Next` (a Choice has no `Next`: its rules pick).
      if failure != nil || (normalNext != nil && scope.position.state != normalNext) { outcome.status = .caughtError }
    case .finished(.success(let output)):
      outcome.output = output
      failure = nil
    case .finished(.failure(let failed)), .failExecution(let failed):
      outcome.status = .failed
      failure = failed
    case .sleep(let until):
      outcome.status = .retriable
      outcome.inspection.retryBackoffSeconds = max(0, until - now)
    default:
      outcome.status = .failed
      failure = StepFailure("States.Runtime", cause: "The state '\(name)' did not finish in one step.")
    }
    outcome.failure = outcome.status == .succeeded ? nil : failure
    if let failure, outcome.status == .retriable {
      outcome.inspection.retryIndex = state.retry.firstIndex { $0.errorEquals.matches(error: failure.error) }
    }
    if let failure, outcome.status == .caughtError {
      outcome.inspection.catchIndex = state.catchers.firstIndex { $0.errorEquals.matches(error: failure.error) }
    }
    before.inspect(state, input: input, parameters: parameters, mock: mock, into: &outcome.inspection)
    outcome.inspection.variables = JSONObject(uniqueKeysWithValues: scope.position.variables.sorted { $0.key < $1.key })
    return outcome
  }
}

extension ScopeMachine {
  /// Fills the data-flow stages of `state` that apply, stopping at the first that fails.
  fileprivate func inspect(_ state: State, input: JSONValue, parameters: JSONValue?, mock: StateTest.Mock?,
                           into inspection: inout StateTest.Inspection) {
    inspection.input = input
    var result: JSONValue?
    if case .result(let value)? = mock { result = value }
    if state.jsonata != nil {
      if case .task = state.kind { inspection.afterArguments = parameters }
      if case .pass = state.kind { result = nil }
      inspection.result = result
      return
    }
    guard let effective = try? applyInputPath(state, input) else { return }
    inspection.afterInputPath = effective
    switch state.kind {
    case .task:
      inspection.afterParameters = parameters
    case .pass(let pass):
      let afterParameters = state.parameters.map { try? evaluate($0, on: effective, state: state) } ?? effective
      inspection.afterParameters = afterParameters
      result = pass.result ?? afterParameters
    case .parallel, .map:
      inspection.afterParameters = state.parameters.map { try? evaluate($0, on: effective, state: state) } ?? effective
    case .choice, .wait, .succeed, .fail:
      return
    }
    guard let result else { return }
    inspection.result = result
    var selected = result
    if case .pass = state.kind {} else {
      guard let afterSelector = state.resultSelector.map({ try? evaluate($0, on: result, state: state) }) ?? result else { return }
      inspection.afterResultSelector = afterSelector
      selected = afterSelector
    }
    inspection.afterResultPath = try? applyResultPath(state.resultPath, state: state, input: input, result: selected)
  }
}

extension ExecutionContext {
  /// The context of a state run by ``StateTest``: `$$.Execution` and `$$.StateMachine` from `context` when given.
  fileprivate init(testing context: JSONValue?) {
    executionId = "test-state"
    executionObject = context?["Execution"] ?? [
      "Id": "test-state", "Input": [:], "Name": "test-state", "RoleArn": "", "StartTime": "", "RedriveCount": 0,
    ]
    stateMachineObject = context?["StateMachine"] ?? ["Id": "test-state", "Name": "test-state"]
    payloadLimitBytes = 262_144
  }
}

extension Position.Phase {
  fileprivate var isWaiting: Bool { if case .waiting = self { true } else { false } }
}
