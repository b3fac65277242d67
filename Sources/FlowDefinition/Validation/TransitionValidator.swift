/// `StartAt` and every `Next`, `Default` and catcher `Next` name a state of their own scope.
struct TransitionValidator: Validator {
  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    let scopes = document.allScopes
    for scope in scopes {
      let defined = scope.states.map(\.name.value)
      let definedSet = Set(defined)
      func check(_ target: Located<String>, field: String) {
        guard !definedSet.contains(target.value) else { return }
        var message = "'\(field)' names '\(target.value)', which is not defined"
        var hint = defined.closestMatch(to: target.value).didYouMean
        if let other = scopes.first(where: { $0.kind != scope.kind && $0.state(named: target.value) != nil }) {
          message += " in \(scope.displayName)"
          hint = hint ?? "'\(target.value)' is in \(other.displayName); a transition cannot leave its branch or item processor"
        }
        diagnostics.append(.error(.unknownState, message, at: target.location, hint: hint))
      }
      if let startAt = scope.startAt { check(startAt, field: "StartAt") }
      for state in scope.states {
        for target in state.targets {
          check(target, field: field(of: target, in: state))
        }
      }
    }
  }

  /// Which field a target came from, for the message.
  private func field(of target: Located<String>, in state: StateDocument) -> String {
    if target.location == state.node["Next"]?.location { return "Next" }
    if target.location == state.node["Default"]?.location { return "Default" }
    if state.node["Catch"]?.items?.contains(where: { $0["Next"]?.location == target.location }) == true { return "Catch.Next" }
    return "Next"
  }
}
