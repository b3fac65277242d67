/// Every state can be reached from `StartAt` (a warning otherwise), and some reachable state ends the scope.
struct ReachabilityValidator: Validator {
  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    for scope in document.allScopes {
      guard let startAt = scope.startAt, scope.state(named: startAt.value) != nil else { continue }
      var reached: Set<String> = [startAt.value]
      var queue = [startAt.value]
      while let name = queue.popLast() {
        guard let state = scope.state(named: name) else { continue }
        for target in state.targets where reached.insert(target.value).inserted {
          queue.append(target.value)
        }
      }
      // A state whose transition could not be read hides where it leads: its error is enough.
      let reachedStates = scope.states.filter { reached.contains($0.name.value) }
      guard reachedStates.allSatisfy(\.transitionsKnown) else { continue }
      for state in scope.states where !reached.contains(state.name.value) {
        diagnostics.append(.warning(.unreachableState, "the state '\(state.name.value)' can never be reached from '\(startAt.value)'",
                                    at: state.name.location))
      }
      // A transition to an undefined state is reported on its own; it also makes this check meaningless.
      let defined = Set(scope.states.map(\.name.value))
      let targetsDefined = reachedStates.allSatisfy { $0.targets.allSatisfy { defined.contains($0.value) } }
      if targetsDefined, !reachedStates.contains(where: \.isTerminal) {
        diagnostics.append(.error(.noTerminalState, "\(scope.displayName) never ends: no state reachable from '\(startAt.value)' has 'End: true' or is a Succeed or Fail state",
                                  at: startAt.location))
      }
    }
  }
}
