import FlowCore

/// A Task's `Resource` names a registered step: an unknown `flow:` name is an error (a typo, caught at load time
/// rather than hours into a run); any other name (an AWS ARN, …) only runs if a step is registered under it.
struct TaskResourceValidator: Validator {
  let knownResources: Set<String>

  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    for doc in document.allStates {
      guard case .task(let task)? = doc.state?.kind, !task.resource.isEmpty else { continue }
      let base = StepRegistry.baseName(of: task.resource)
      guard !knownResources.contains(task.resource), !knownResources.contains(base) else { continue }
      let at = doc.node.location(at: "Resource")
      if base.hasPrefix("flow:") {
        let known = knownResources.sorted()
        diagnostics.append(.error(.unknownResource, "no step is registered as '\(base)'", at: at,
                                  hint: known.closestMatch(to: base).didYouMean
                                    ?? (known.isEmpty ? nil : "known steps: \(known.joined(separator: ", "))")))
      } else {
        diagnostics.append(.warning(.unregisteredResource, "the resource '\(task.resource)' runs only if a step is registered under this name",
                                    at: at))
      }
    }
  }
}
