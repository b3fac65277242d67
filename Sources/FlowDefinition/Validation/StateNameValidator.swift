/// State names are unique across the whole state machine, branches and item processors included
/// (Step Functions requires it, and execution histories name states without their scope).
struct StateNameValidator: Validator {
  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    var firstScope: [String: ScopeDocument] = [:]
    for scope in document.allScopes {
      for state in scope.states {
        if let other = firstScope[state.name.value] {
          let whereFirst = other.kind == scope.kind ? "" : " in \(other.displayName)"
          diagnostics.append(.error(.duplicateStateName, "the state name '\(state.name.value)' is already used\(whereFirst)",
                                    at: state.name.location, hint: "state names must be unique, including inside branches and Map processors"))
        } else {
          firstScope[state.name.value] = scope
        }
      }
    }
  }
}
