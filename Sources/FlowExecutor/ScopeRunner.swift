import FlowCore
import FlowDefinition
import FlowExpressions
import Foundation

/// Runs one scope (the top level, a Parallel branch or a Map iteration) from its position to its end.
///
/// Owned by exactly one task at a time, so it needs no lock (hence `@unchecked Sendable`: it is handed to
/// that task, never shared). Every state follows the same order: enter (an event),
/// do the state's work (committing before any outside effect), then move on with the state's output.
final class ScopeRunner: @unchecked Sendable {
  let runtime: ExecutionRuntime
  let machine: StateMachine
  let id: String
  var position: Position
  /// Events of this scope not yet published to the journal: they go out with the next staged position.
  private var unpublished: [HistoryEvent] = []

  init(runtime: ExecutionRuntime, machine: StateMachine, id: String, position: Position) {
    self.runtime = runtime
    self.machine = machine
    self.id = id
    self.position = position
  }

  /// Where a state leads.
  enum Outcome {
    case next(String, JSONValue)
    case end(JSONValue)
  }

  var journal: Journal { runtime.journal }

  /// Runs states until the scope ends. Returns the scope's output.
  /// - Throws: ``StepFailure`` when the scope fails; `CancellationError` when stopped.
  func run() async throws -> JSONValue {
    while true {
      try Task.checkCancellation()
      guard let state = machine.states[position.state] else {
        throw fail(StepFailure("States.Runtime", cause: "The state '\(position.state)' does not exist."))
      }
      let outcome: Outcome
      do {
        if position.enteredEvent == 0 { try enter(state) }
        outcome = try await execute(state)
        switch outcome {
        case .next(_, let output), .end(let output): try runtime.checkSize(output, state: state.name, what: "returned")
        }
      } catch let failure as StepFailure {
        throw fail(failure)
      }
      switch outcome {
      case .next(let next, let output):
        position.advance(to: next, input: output)
        stageScope()
        try journal.flushIfLarge()
      case .end(let output):
        publish(ScopeRecord(id: id, status: .succeeded, position: position.json, result: output))
        return output
      }
    }
  }

  /// Stages this scope's current position, with the events that led to it.
  func stageScope() {
    publish(ScopeRecord(id: id, status: .running, position: position.json))
  }

  private func publish(_ record: ScopeRecord) {
    journal.publish(unpublished, scope: record)
    unpublished = []
  }

  /// Records the scope as failed and returns the failure to throw.
  func fail(_ failure: StepFailure) -> StepFailure {
    publish(ScopeRecord(id: id, status: .failed, position: position.json,
                        result: ["Error": .string(failure.error), "Cause": .string(failure.cause)]))
    return failure
  }

  private func enter(_ state: State) throws {
    position.enteredTime = Date().timeIntervalSince1970
    try runtime.checkSize(position.input, state: state.name, what: "received")
    position.enteredEvent = event("\(state.typeName)StateEntered", ["name": .string(state.name), "input": position.input])
  }

  /// Appends an event that follows from this scope's previous one.
  @discardableResult
  func event(_ type: String, _ details: JSONObject) -> Int {
    let event = journal.makeEvent(type, after: position.previousEvent, details)
    unpublished.append(event)
    position.previousEvent = event.id
    return event.id
  }

  private func execute(_ state: State) async throws -> Outcome {
    let input = position.input
    switch state.kind {
    case .pass(let pass):
      let effective = try applyInputPath(state, input)
      let result: JSONValue
      if let literal = pass.result {
        result = literal
      } else if let parameters = state.parameters {
        result = try evaluate(parameters, on: effective, state: state)
      } else {
        result = effective
      }
      return try finish(state, input: input, result: result)

    case .succeed:
      let output = try applyOutputPath(state, applyInputPath(state, input))
      exit(state, output)
      return .end(output)

    case .fail(let fail):
      let error = try fail.error.map { try resolve($0, on: input, state: state, field: "ErrorPath") }
      let cause = try fail.cause.map { try resolve($0, on: input, state: state, field: "CausePath") }
      event("FailStateExited", ["name": .string(state.name)])
      throw StepFailure(error ?? "", cause: cause ?? "")

    case .choice(let choice):
      return try runChoice(state, choice, input: input)

    case .wait(let wait):
      return try await runWait(state, wait, input: input)

    case .task, .parallel, .map:
      return try await runWithErrorHandling(state, input: input)
    }
  }

  /// Applies `ResultPath` and `OutputPath` to a state's result, evaluates `Assign`, and picks the transition.
  func finish(_ state: State, input: JSONValue, result: JSONValue) throws -> Outcome {
    let variables = try assignments(state.assign, result: result, state: state)
    let output = try applyOutputPath(state, applyResultPath(state.resultPath, state: state, input: input, result: result))
    position.variables.merge(variables) { $1 }
    exit(state, output)
    return transition(state, output)
  }

  func exit(_ state: State, _ output: JSONValue) {
    event("\(state.typeName)StateExited", ["name": .string(state.name), "output": output])
  }

  func transition(_ state: State, _ output: JSONValue) -> Outcome {
    switch state.transition {
    case .next(let next): .next(next, output)
    case .end, nil: .end(output)
    }
  }
}
