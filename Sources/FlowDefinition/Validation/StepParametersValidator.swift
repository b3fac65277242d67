import FlowCore

/// A Task's literal `Parameters` fit its step's declared ``ParameterSchema``: every name is one the step takes
/// (with a did-you-mean), literal values have the right type and, where the step lists them, an allowed value,
/// and required parameters are set. Every problem is reported, each at its key or value.
///
/// Only what is literal is checked: a `Name.$` member is checked for its name, as its value is known at run time,
/// and a Task without `Parameters` gets its input from the state input, so nothing is checked.
struct StepParametersValidator: Validator {
  let schemas: [String: ParameterSchema]

  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    guard !schemas.isEmpty else { return }
    for doc in document.allStates {
      guard case .task(let task)? = doc.state?.kind else { continue }
      let resource = StepRegistry.baseName(of: task.resource)
      guard let schema = schemas[resource], let parameters = doc.node["Parameters"], let members = parameters.members
      else { continue }
      var given = Set<String>()
      for member in members {
        let dynamic = member.key.hasSuffix(".$")
        let name = dynamic ? String(member.key.dropLast(2)) : member.key
        given.insert(name)
        guard let field = schema.field(named: name) else {
          diagnostics.append(.error(.unknownField, "'\(name)' is not a parameter of \(resource)",
                                    at: member.keyLocation ?? member.value.location,
                                    hint: schema.names.closestMatch(to: name).didYouMean
                                      ?? "\(resource) takes \(schema.names.joined(separator: ", "))"))
          continue
        }
        if !dynamic { check(member.value, against: field, of: resource, into: &diagnostics) }
      }
      for field in schema.fields where field.required && !given.contains(field.name) {
        diagnostics.append(.error(.missingField, "\(resource) needs the parameter '\(field.name)'",
                                  at: doc.node.keyLocation("Parameters") ?? parameters.location))
      }
    }
  }

  private func check(_ value: LocatedNode, against field: ParameterSchema.Field, of resource: String,
                     into diagnostics: inout [Diagnostic]) {
    let json = value.json
    // A secret reference stands for a string known only when the step is invoked.
    if SecretResolver.reference(in: json) != nil { return }
    guard field.kind.admits(json) else {
      diagnostics.append(.error(.wrongType, "'\(field.name)' of \(resource) must be \(field.kind.description), got \(value.typeName == "integer" || value.typeName == "object" || value.typeName == "array" ? "an" : "a") \(value.typeName)",
                                at: value.location))
      return
    }
    guard !field.allowedValues.isEmpty, case .string(let text) = json, !field.allowedValues.contains(text) else { return }
    diagnostics.append(.error(.invalidValue, "'\(text)' is not a valid '\(field.name)' of \(resource)", at: value.location,
                              hint: field.allowedValues.closestMatch(to: text).didYouMean
                                ?? "one of \(field.allowedValues.joined(separator: ", "))"))
  }
}
