import FlowCore
import FlowDefinition
import FlowJSONata

/// Evaluating the fields of states in the JSONata query language. Everything a JSONata expression reads comes
/// from the position and ``ScopeMachine/Inputs``: `$now()` is `inputs.now`, `$random()` and `$uuid()` draw on
/// `inputs.random`; nothing here reads the clock.
extension ScopeMachine {
  /// What `$states` holds besides the context object.
  struct StatesValues {
    var input: JSONValue
    var result: JSONValue?
    var errorOutput: JSONValue?
    var token: String?
    var mapItem: (Int, JSONValue)?
  }

  /// What the expressions of a state read: its input (`$`), and `$states` and the variables in scope, prepared once
  /// for all of the state's fields.
  struct JSONataScope {
    var input: JSONValue
    var bindings: JSONataBindings
  }

  /// The value of a JSONata field: literal parts as written, each `{% … %}` evaluated.
  /// - Parameter field: the field's name as AWS quotes it in errors (`Output`; members add `/key`).
  /// - Throws: ``StepFailure`` `States.QueryEvaluationError` when an expression fails or gives nothing.
  func evaluate(_ template: JSONataTemplate, field: String, state: State, _ values: StatesValues) throws -> JSONValue {
    if case .literal(let value) = template.root { return value }
    return try value(of: template.root, field: field, scope: scope(state: state, values))
  }

  /// The value of a JSONata field in a scope already prepared (when a state evaluates several fields).
  func evaluate(_ template: JSONataTemplate, field: String, scope: JSONataScope) throws -> JSONValue {
    if case .literal(let value) = template.root { return value }
    return try value(of: template.root, field: field, scope: scope)
  }

  /// `$states` and the variables in scope.
  func scope(state: State, _ values: StatesValues) -> JSONataScope {
    var states: JSONObject = [
      "input": values.input,
      "context": execution.context(state: state.name, position: position, token: values.token, mapItem: values.mapItem),
    ]
    if let result = values.result { states["result"] = result }
    if let errorOutput = values.errorOutput { states["errorOutput"] = errorOutput }
    var bindings = position.variables
    bindings["states"] = .object(states)
    return JSONataScope(input: values.input, bindings: JSONataBindings(bindings, environment: environment))
  }

  private func value(of node: JSONataTemplate.Node, field: String, scope: JSONataScope) throws -> JSONValue {
    switch node {
    case .literal(let value):
      return value
    case .expression(let expression, let source):
      let result: JSONValue?
      do {
        result = try expression.evaluate(scope.input, bindings: scope.bindings)
      } catch {
        throw queryError("The JSONata expression '\(source)' specified for the field '\(field)' threw an error during evaluation. \(error.code): \(error.message)")
      }
      guard let result else {
        throw queryError("The JSONata expression '\(source)' specified for the field '\(field)' returned nothing (undefined).")
      }
      return result
    case .object(let members):
      var object = JSONObject()
      for (key, member) in members { object[key] = try value(of: member, field: "\(field)/\(key)", scope: scope) }
      return .object(object)
    case .array(let items):
      return .array(try items.enumerated().map { index, item in try value(of: item, field: "\(field)/\(index)", scope: scope) })
    }
  }

  /// Step Functions' environment, with time and randomness from this transition's inputs.
  var environment: JSONataEnvironment {
    let millis = (now * 1000).rounded(.down)
    let source: JSONataRandom
    if let random = inputs?.random { source = JSONataRandom(random) } else { source = JSONataRandom { 0 } }
    return .stepFunctions(clock: { millis }, random: source)
  }

  /// A `States.QueryEvaluationError` of the current state, with the state prefix.
  func queryError(_ detail: String) -> StepFailure {
    StepFailure("States.QueryEvaluationError", cause: "\(errorPrefix) \(detail)")
  }

  /// The failure for a JSONata field whose value has the wrong JSON type.
  func unexpectedType(_ template: JSONataTemplate, field: String, expected: String, got value: JSONValue) -> StepFailure {
    let source: String
    if case .expression(_, let text) = template.root { source = text } else { source = template.value.serialized() }
    return queryError("The JSONata expression '\(source)' specified for the field '\(field)' returned an unexpected result type. Expected '\(expected)', but was '\(value.typeName)' for value: \(value.serialized())")
  }

  /// The variables a JSONata `Assign` sets (each member evaluated against the old values).
  func assignments(_ assign: JSONataTemplate?, scope: JSONataScope) throws -> [String: JSONValue] {
    guard let assign else { return [:] }
    let value = try evaluate(assign, field: "Assign", scope: scope)
    guard case .object(let members) = value else {
      throw unexpectedType(assign, field: "Assign", expected: "object", got: value)
    }
    var variables: [String: JSONValue] = [:]
    for (key, member) in members { variables[key] = member }
    return variables
  }

  /// Exits a JSONata state: `Assign` and `Output` (default `defaultOutput`), both against the old variables.
  mutating func finishJSONata(_ state: State, fields: JSONataFields?, _ values: StatesValues, defaultOutput: JSONValue,
                              transition: FlowDefinition.Transition?) throws -> StepResult {
    var variables: [String: JSONValue] = [:]
    var output = defaultOutput
    if fields?.assign != nil || fields?.output != nil {
      let scope = scope(state: state, values)
      variables = try assignments(fields?.assign, scope: scope)
      if let template = fields?.output { output = try evaluate(template, field: "Output", scope: scope) }
    }
    position.variables.merge(variables) { $1 }
    exit(state, output, assigned: variables)
    switch transition {
    case .next(let next): return .next(next, output)
    case .end, nil: return .end(output)
    }
  }

  /// A JSONata Map's items: `Items`, or the state input, which must then be an array.
  func jsonataItems(_ state: State, _ map: MapState, input: JSONValue) throws -> [JSONValue] {
    guard let template = map.items else {
      guard case .array(let items) = input else {
        throw queryError("Map state input must be an array but was: \(input.serialized())")
      }
      return items
    }
    let value = try evaluate(template, field: "Items", state: state, StatesValues(input: input))
    guard case .array(let items) = value else { throw unexpectedType(template, field: "Items", expected: "array", got: value) }
    return items
  }

  /// A JSONata Choice: the first rule whose `Condition` holds, with its `Output` and `Assign`, else `Default`
  /// with the state's.
  mutating func runJSONataChoice(_ state: State, _ choice: ChoiceState, input: JSONValue) throws -> StepResult {
    let values = StatesValues(input: input)
    for rule in choice.choices {
      guard case .jsonata(let condition) = rule.condition else { continue }
      let value = try evaluate(condition, field: "Condition", state: state, values)
      guard case .bool(let holds) = value else {
        throw unexpectedType(condition, field: "Condition", expected: "boolean", got: value)
      }
      if holds {
        return try finishJSONata(state, fields: rule.jsonata, values, defaultOutput: input, transition: .next(rule.next))
      }
    }
    guard let target = choice.defaultNext else {
      throw StepFailure("States.NoChoiceMatched", cause: "\(errorPrefix) Failed to transition out of the state. No Choice Rule matched and no Default was specified.")
    }
    return try finishJSONata(state, fields: state.jsonata, values, defaultOutput: input, transition: .next(target))
  }

  /// When a JSONata Wait state's `Seconds` or `Timestamp` expression says to wake up.
  func jsonataDeadline(_ template: JSONataTemplate, seconds: Bool, state: State, input: JSONValue) throws -> Double {
    let field = seconds ? "Seconds" : "Timestamp"
    let value = try evaluate(template, field: field, state: state, StatesValues(input: input))
    if seconds {
      guard value.isNumber, let count = value.intValue, count >= 0, count <= Self.maxWaitSeconds else {
        throw unexpectedType(template, field: field, expected: "integer", got: value)
      }
      return now + Double(count)
    }
    guard case .string(let text) = value else { throw unexpectedType(template, field: field, expected: "string", got: value) }
    guard let time = RFC3339Timestamp(text)?.date.timeIntervalSince1970 else {
      throw queryError("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: \(text)")
    }
    return time
  }
}
