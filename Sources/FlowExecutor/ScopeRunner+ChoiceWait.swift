import FlowCore
import FlowDefinition
import FlowExpressions
import Foundation

extension ScopeRunner {
  func runChoice(_ state: State, _ choice: ChoiceState, input: JSONValue) throws -> Outcome {
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
    exit(state, output)
    return .next(target, output)
  }

  func runWait(_ state: State, _ wait: WaitState, input: JSONValue) async throws -> Outcome {
    let effective = try applyInputPath(state, input)
    let until: Double
    if case .waiting(let stored) = position.phase {
      until = stored  // resumed: only the remaining time is waited
    } else {
      until = try deadline(of: wait, state: state, input: effective)
      position.phase = .waiting(until: until)
      stageScope()
      try journal.flush()
    }
    let remaining = until - Date().timeIntervalSince1970
    if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
    let variables = try assignments(state.assign, result: effective, state: state)
    let output = try applyOutputPath(state, effective)
    position.variables.merge(variables) { $1 }
    exit(state, output)
    return transition(state, output)
  }

  private func deadline(of wait: WaitState, state: State, input: JSONValue) throws -> Double {
    let now = Date().timeIntervalSince1970
    switch wait.duration {
    case .seconds(let seconds):
      return now + Double(seconds)
    case .secondsPath(let path):
      guard let value = path.evaluate(in: scope(input, state: state)) else {
        throw runtimeError("Invalid path '\(path.text)': could not be found in the input '\(input.serialized())'")
      }
      guard let seconds = value.intValue, seconds >= 0, value.isNumber else {
        throw runtimeError("The SecondsPath parameter does not reference a valid non-negative integer: \(value.serialized())")
      }
      return now + Double(seconds)
    case .timestamp(let text):
      guard let time = RFC3339Timestamp(text)?.date.timeIntervalSince1970 else {
        throw runtimeError("The Timestamp '\(text)' is not a valid RFC 3339 timestamp.")
      }
      return time
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
}
