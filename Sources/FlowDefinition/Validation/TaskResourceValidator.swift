import FlowCore

/// A Task's `Resource` names a registered step: an unknown `flow:` name is an error (a typo, caught at load time
/// rather than hours into a run). An AWS resource runs only when the pipeline's `Flow.Resources` block maps it
/// to a local program (``ResourceMapping``): a Lambda function ARN, an activity ARN, or
/// `arn:aws:states:::lambda:invoke` with a literal `FunctionName`; anything else is an error with a hint.
struct TaskResourceValidator: Validator {
  let knownResources: Set<String>
  /// Unmapped activity ARNs are durable activity tasks (``PipelineLoader/acceptsActivities``).
  var acceptsActivities = false

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
      } else if base == ResourceMapping.lambdaInvoke {
        checkFunctionName(of: doc, resources: document.resources, resourceAt: at, into: &diagnostics)
      } else if !ResourceMapping.isMappable(base) {
        diagnostics.append(.error(.unregisteredResource, "the resource '\(task.resource)' cannot run here", at: at,
                                  hint: "flow runs 'flow:' steps, Lambda functions and activities mapped to local "
                                    + "programs in Flow.Resources, and arn:aws:states:::lambda:invoke"))
      } else if ResourceMapping.lookup(base, in: document.resources) == nil,
                !(acceptsActivities && ResourceMapping.isActivity(base)) {
        diagnostics.append(.error(.unregisteredResource, "the resource '\(base)' is not mapped to a local program", at: at,
                                  hint: Self.mappingHint(base)))
      }
    }
  }

  /// `lambda:invoke` names its function in `Parameters.FunctionName` (or `Arguments.FunctionName`): a literal
  /// name must be mapped; a path (`FunctionName.$`) or an expression is looked up when the task runs.
  private func checkFunctionName(of doc: StateDocument, resources: JSONObject, resourceAt: SourceLocation?,
                                 into diagnostics: inout [Diagnostic]) {
    let block = doc.node["Parameters"] != nil ? "Parameters" : "Arguments"
    let parameters = doc.node[block]
    if parameters?["FunctionName.$"] != nil { return }
    guard let node = parameters?["FunctionName"] else {
      diagnostics.append(.error(.missingField, "arn:aws:states:::lambda:invoke needs 'FunctionName' in its \(block)",
                                at: resourceAt, hint: "name a function mapped in Flow.Resources"))
      return
    }
    guard let name = node.json.stringValue, !name.hasPrefix("{%") else { return }
    if ResourceMapping.lookup(name, in: resources) == nil {
      diagnostics.append(.error(.unregisteredResource, "the function '\(name)' is not mapped to a local program",
                                at: doc.node.location(at: .key(block), .key("FunctionName")), hint: Self.mappingHint(name)))
    }
  }

  private static func mappingHint(_ name: String) -> String {
    "map it in the Flow block: Flow: {Resources: {'\(name)': {Command: [python3, handler.py]}}}; the program reads "
      + "the input as JSON on stdin and prints its result as JSON"
  }
}
