import FlowCore
import FlowDefinition
import FlowExpressions

/// The work of each state type, once entered.
extension ScopeMachine {
  mutating func work(of state: State) throws -> StepResult {
    let input = position.input
    switch state.kind {
    case .pass(let pass):
      if let fields = state.jsonata {
        return try finishJSONata(state, fields: fields, StatesValues(input: input), defaultOutput: input, transition: state.transition)
      }
      let effective = try applyInputPath(state, input)
      let result: JSONValue
      if let literal = pass.result {
        result = literal
      } else if let parameters = state.parameters {
        result = try evaluate(parameters, on: effective, state: state)
      } else {
        result = effective
      }
      return try finishWork(state, result: result)

    case .succeed:
      if let fields = state.jsonata {
        return try finishJSONata(state, fields: fields, StatesValues(input: input), defaultOutput: input, transition: .end)
      }
      let output = try applyOutputPath(state, applyInputPath(state, input))
      exit(state, output)
      return .end(output)

    case .fail(let fail):
      let error = try fail.error.map { try resolve($0, on: input, state: state, field: "ErrorPath") }
      let cause = try fail.cause.map { try resolve($0, on: input, state: state, field: "CausePath") }
      throw StepFailure(error ?? "", cause: cause ?? "")

    case .choice(let choice):
      if state.jsonata != nil { return try runJSONataChoice(state, choice, input: input) }
      return try runChoice(state, choice, input: input)

    case .wait(let wait):
      if case .waiting = position.phase { return try timerFired() }
      let until = try deadline(of: wait, state: state, input: applyInputPath(state, input))
      position.phase = .waiting(until: until)
      return .effect(.sleep(until: until))

    case .task, .parallel, .map:
      do {
        return try startWork(state)
      } catch let failure as StepFailure {
        return try handleWorkFailure(state, failure, retry: true)
      }
    }
  }

  /// Applies `ResultPath` and `OutputPath` to a state's result, evaluates `Assign`, exits the state and picks
  /// the transition.
  mutating func finishWork(_ state: State, result: JSONValue) throws -> StepResult {
    if let fields = state.jsonata {
      return try finishJSONata(state, fields: fields, StatesValues(input: position.input, result: result), defaultOutput: result,
                               transition: state.transition)
    }
    let input = position.input
    let variables = try assignments(state.assign, result: result, state: state)
    let output = try applyOutputPath(state, applyResultPath(state.resultPath, state: state, input: input, result: result))
    position.variables.merge(variables) { $1 }
    exit(state, output, assigned: variables)
    switch state.transition {
    case .next(let next): return .next(next, output)
    case .end, nil: return .end(output)
    }
  }

  /// Exits the state; `assigned` are the variables its `Assign` set (shown in the event, as Step Functions does).
  mutating func exit(_ state: State, _ output: JSONValue, assigned: [String: JSONValue] = [:]) {
    let variables = assigned.isEmpty ? JSONObject() : JSONObject(uniqueKeysWithValues: assigned.sorted { $0.key < $1.key })
    event(state.eventTypes.exited,
          EventDetails.stateExited(state.name, output: output, assigned: variables))
  }

  private mutating func runChoice(_ state: State, _ choice: ChoiceState, input: JSONValue) throws -> StepResult {
    let effective = try applyInputPath(state, input)
    let evaluationScope = scope(effective, state: state)
    var next: String?
    var assign = state.assign
    for rule in choice.choices {
      let holds: Bool
      do { holds = try rule.condition.evaluate(in: evaluationScope) } catch {
        throw failure(error)
      }
      if holds {
        next = rule.next
        assign = rule.assign
        break
      }
    }
    guard let target = next ?? choice.defaultNext else {
      throw StepFailure("States.NoChoiceMatched", cause: "\(errorPrefix) Failed to transition out of the state. No Choice Rule matched and no Default was specified.")
    }
    let variables = try assignments(assign, result: effective, state: state)
    let output = try applyOutputPath(state, effective)
    position.variables.merge(variables) { $1 }
    exit(state, output, assigned: variables)
    return .next(target, output)
  }

  /// A Wait state's time has come, or a retry back-off is over.
  mutating func timerFired() throws -> StepResult {
    let state = try current
    switch position.phase {
    case .waiting:
      position.phase = .ready
      if let fields = state.jsonata {
        return try finishJSONata(state, fields: fields, StatesValues(input: position.input), defaultOutput: position.input,
                                 transition: state.transition)
      }
      let effective = try applyInputPath(state, position.input)
      let variables = try assignments(state.assign, result: effective, state: state)
      let output = try applyOutputPath(state, effective)
      position.variables.merge(variables) { $1 }
      exit(state, output, assigned: variables)
      switch state.transition {
      case .next(let next): return .next(next, output)
      case .end, nil: return .end(output)
      }
    case .retry:
      position.phase = .ready
      return try runState()
    default:
      return try runState()
    }
  }

  /// The latest a Wait state sleeps until. Times are bounded so that no value makes the arithmetic overflow.
  private func deadline(of wait: WaitState, state: State, input: JSONValue) throws -> Double {
    switch wait.duration {
    case .seconds(let seconds):
      return now + Double(seconds)
    case .secondsPath(let path):
      guard let value = path.evaluate(in: scope(input, state: state)) else {
        throw runtimeError("Invalid path '\(path.text)': could not be found in the input '\(input.serialized())'")
      }
      guard value.isNumber, let seconds = value.intValue, seconds >= 0, seconds <= Self.maxWaitSeconds else {
        throw runtimeError("The SecondsPath parameter does not reference a valid non-negative integer of at most \(Self.maxWaitSeconds): \(value.serialized())")
      }
      return now + Double(seconds)
    case .timestamp(let text):
      guard let time = RFC3339Timestamp(text)?.date.timeIntervalSince1970 else {
        throw runtimeError("The Timestamp '\(text)' is not a valid RFC 3339 timestamp.")
      }
      return time
    case .secondsExpression(let template):
      return try jsonataDeadline(template, seconds: true, state: state, input: input)
    case .timestampExpression(let template):
      return try jsonataDeadline(template, seconds: false, state: state, input: input)
    case .timestampPath(let path):
      guard let value = path.evaluate(in: scope(input, state: state)) else {
        throw runtimeError("Invalid path '\(path.text)': could not be found in the input '\(input.serialized())'")
      }
      guard case .string(let text) = value, let time = RFC3339Timestamp(text)?.date.timeIntervalSince1970 else {
        throw runtimeError("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(value.serialized())")
      }
      return time
    }
  }

  /// The longest wait, timeout or back-off a path may ask for: one year, as Step Functions' longest execution.
  static let maxWaitSeconds = 31_536_000
}

extension State {
  /// The `…StateEntered` and `…StateExited` event types of the state's type (a switch: this runs on every transition).
  var eventTypes: (entered: HistoryEventType, exited: HistoryEventType) {
    switch kind {
    case .pass: (.passStateEntered, .passStateExited)
    case .task: (.taskStateEntered, .taskStateExited)
    case .choice: (.choiceStateEntered, .choiceStateExited)
    case .wait: (.waitStateEntered, .waitStateExited)
    case .succeed: (.succeedStateEntered, .succeedStateExited)
    case .fail: (.failStateEntered, .passStateExited)
    case .parallel: (.parallelStateEntered, .parallelStateExited)
    case .map: (.mapStateEntered, .mapStateExited)
    }
  }
}
