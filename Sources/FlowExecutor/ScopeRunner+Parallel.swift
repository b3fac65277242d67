import FlowCore
import FlowDefinition

extension ScopeRunner {
  /// The prefix of the ids of this state's children in its current visit and retry.
  func childPrefix(_ state: State) -> String {
    "\(id)/\(state.name)@\(position.visit).\(position.retryCount)"
  }

  func runParallel(_ state: State, _ parallel: ParallelState, effective: JSONValue) async throws -> JSONValue {
    let input = try state.parameters.map { try evaluate($0, on: effective, state: state) } ?? effective
    let started = event("ParallelStateStarted", ["name": .string(state.name)])
    let prefix = childPrefix(state)
    let runtime = self.runtime, variables = position.variables
    do {
      let results = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
        for (index, branch) in parallel.branches.enumerated() {
          group.addTask {
            let output = try await runtime.runChild(id: "\(prefix)/\(index)", machine: branch, input: input,
                                                    variables: variables, parentEvent: started, iteration: nil)
            return (index, output)
          }
        }
        var results = [JSONValue](repeating: .null, count: parallel.branches.count)
        for try await (index, output) in group { results[index] = output }
        return results
      }
      event("ParallelStateSucceeded", ["name": .string(state.name)])
      let result = JSONValue.array(results)
      return try state.resultSelector.map { try evaluate($0, on: result, state: state) } ?? result
    } catch let failure as StepFailure {
      event("ParallelStateFailed", ["name": .string(state.name), "error": .string(failure.error), "cause": .string(failure.cause)])
      throw failure
    }
  }
}
