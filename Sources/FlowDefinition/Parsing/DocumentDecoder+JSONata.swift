import FlowCore
import FlowJSONata

/// The JSONata query language: `QueryLanguage`, and fields whose `{% … %}` strings are compiled here, so that a
/// syntax error is reported at its column inside the expression.
extension DocumentDecoder {
  /// `QueryLanguage` of the state machine (`state == false`) or of a state, defaulting to the machine's.
  /// A JSONPath state in a JSONata state machine is an error, as in Step Functions.
  mutating func queryLanguage(_ node: LocatedNode, state: Bool = true) -> QueryLanguage {
    guard let language = string(node, "QueryLanguage") else { return state ? topLanguage : .jsonPath }
    guard let value = QueryLanguage(rawValue: language.value) else {
      error(.invalidValue, "'QueryLanguage' must be JSONPath or JSONata, got '\(language.value)'", at: language.location,
            hint: ["JSONPath", "JSONata"].closestMatch(to: language.value).didYouMean)
      return state ? topLanguage : .jsonPath
    }
    if state, value == .jsonPath, topLanguage == .jsonata {
      error(.queryLanguageMismatch, "'QueryLanguage' cannot be JSONPath in a state machine whose 'QueryLanguage' is JSONata",
            at: language.location, hint: "set 'QueryLanguage: JSONPath' at the top and JSONata on the states that use it")
    }
    if !state { topLanguage = value }
    return value
  }

  /// A JSONata field's value (any JSON, with `{% … %}` strings compiled).
  mutating func jsonata(_ value: LocatedNode, _ key: String) -> JSONataTemplate? {
    do {
      return try JSONataTemplate(value.json)
    } catch {
      let culprit = Self.node(at: error.keyPath, in: value)
      var location = culprit.location
      // The column inside the expression: the string starts one column after its opening quote when quoted.
      if var at = location, let offset = error.offset {
        at.column += offset + (isQuoted(culprit) ? 1 : 0)
        location = at
      }
      self.error(.invalidJSONata, "'\(key)' is not valid JSONata: \(error.error.code): \(error.error.message)", at: location)
      return nil
    }
  }

  mutating func jsonata(in node: LocatedNode, _ key: String) -> JSONataTemplate? {
    node[key].flatMap { jsonata($0, key) }
  }

  /// True when the string node is written with quotes (JSON always is; YAML may be plain).
  private func isQuoted(_ node: LocatedNode) -> Bool {
    path.hasSuffix(".json") || node.string?.hasPrefix("{") == true
  }

  /// `Output`, `Assign` and (when `arguments`) `Arguments` of a JSONata state, rule or catcher.
  mutating func jsonataFields(in node: LocatedNode, arguments: Bool = false) -> JSONataFields {
    var assign: JSONataTemplate?
    if let value = node["Assign"] {
      if let members = value.members {
        for member in members where !Self.isVariableName(member.key) {
          error(.invalidVariableName, "'\(member.key)' is not a valid variable name", at: member.keyLocation ?? member.value.location,
                hint: "start with a letter or '_', then letters, digits or '_' (at most 80 characters)")
        }
        assign = jsonata(value, "Assign")
      } else if JSONataTemplate.expressionText(value.string ?? "") != nil {
        assign = jsonata(value, "Assign")
      } else {
        wrongType("'Assign'", expected: "an object or a {% … %} expression", got: value)
      }
    }
    return JSONataFields(arguments: arguments ? jsonata(in: node, "Arguments") : nil, output: jsonata(in: node, "Output"), assign: assign)
  }

  /// A number field of a JSONata state: a literal integer (or number) or a `{% … %}` expression.
  mutating func jsonataNumber(in node: LocatedNode, _ key: String, integer: Bool) -> NumberSource? {
    guard let value = node[key] else { return nil }
    if let text = value.string {
      guard JSONataTemplate.expressionText(text) != nil else {
        wrongType("'\(key)'", expected: "a number or a {% … %} expression", got: value)
        return nil
      }
      return jsonata(value, key).map { .jsonata($0) }
    }
    if integer { return intValue(value, key).map { .value(Double($0.value)) } }
    return number(node, key).map { .value($0.value) }
  }

  /// A string field of a JSONata state (`Error`, `Cause`): literal or a `{% … %}` expression.
  mutating func jsonataString(in node: LocatedNode, _ key: String) -> StringSource? {
    guard let text = string(node, key) else { return nil }
    guard JSONataTemplate.expressionText(text.value) != nil, let value = node[key] else { return .value(text.value) }
    return jsonata(value, key).map { .jsonata($0) }
  }
}
