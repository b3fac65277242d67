import FlowCore
import FlowDefinition

extension ExecutionRuntime {
  /// Runs (or resumes, or reuses the finished result of) one Parallel branch or Map iteration.
  ///
  /// Its scope id is derived from the parent's position, so a resumed or redriven parent finds the same children:
  /// a child that succeeded is not run again; one that failed fails again with the same error.
  func runChild(id: String, machine: StateMachine, input: JSONValue, variables: [String: JSONValue],
                parentEvent: Int, iteration: (state: String, index: Int)?) async throws -> JSONValue {
    let runner: ScopeRunner
    if let stored = storedScopes[id] {
      switch stored.status {
      case .succeeded: return stored.result ?? .null
      case .failed:
        throw StepFailure(stored.result?["Error"]?.stringValue ?? "", cause: stored.result?["Cause"]?.stringValue ?? "")
      case .running:
        runner = ScopeRunner(runtime: self, machine: machine, id: id, position: try Position(json: stored.position))
      }
    } else {
      var previous = parentEvent
      if let (state, index) = iteration {
        previous = journal.event("MapIterationStarted", after: parentEvent, ["name": .string(state), "index": .int(index)])
      }
      let position = Position(state: machine.startAt, input: input, previousEvent: previous, variables: variables)
      runner = ScopeRunner(runtime: self, machine: machine, id: id, position: position)
      runner.stageScope()
    }
    do {
      let output = try await runner.run()
      if let (state, index) = iteration {
        journal.event("MapIterationSucceeded", after: runner.position.previousEvent, ["name": .string(state), "index": .int(index)])
      }
      return output
    } catch let failure as StepFailure {
      if let (state, index) = iteration {
        journal.event("MapIterationFailed", after: runner.position.previousEvent,
                      ["name": .string(state), "index": .int(index), "error": .string(failure.error), "cause": .string(failure.cause)])
      }
      throw failure
    }
  }
}
