import FlowCore
import FlowDefinition
import FlowExpressions

/// Input and output processing, in the order the specification gives: InputPath, Parameters, (work),
/// ResultSelector, ResultPath, OutputPath; and `Assign`.
extension ScopeMachine {
  func scope(_ input: JSONValue, state: State, token: String? = nil, mapItem: (Int, JSONValue)? = nil) -> EvaluationScope {
    var random: @Sendable () -> Double = { 0 }
    if let inputs { random = inputs.random }
    return EvaluationScope(input: input, context: execution.context(state: state.name, position: position, token: token, mapItem: mapItem),
                           variables: position.variables, random: random)
  }

  func applyInputPath(_ state: State, _ input: JSONValue) throws -> JSONValue {
    try select(state.inputPath, in: input, state: state, field: "InputPath")
  }

  func applyOutputPath(_ state: State, _ output: JSONValue) throws -> JSONValue {
    try select(state.outputPath, in: output, state: state, field: "OutputPath")
  }

  private func select(_ path: OptionalPath, in value: JSONValue, state: State, field: String) throws -> JSONValue {
    switch path {
    case .null: return .emptyObject
    case .path(nil): return value
    case .path(let path?):
      let evaluationScope = scope(value, state: state)
      guard let selected = path.evaluate(in: evaluationScope) else {
        throw runtimeError(path.invalidPathCause(in: evaluationScope))
      }
      return selected
    }
  }

  func evaluate(_ template: PayloadTemplate, on input: JSONValue, state: State, token: String? = nil,
                mapItem: (Int, JSONValue)? = nil) throws -> JSONValue {
    do {
      return try template.evaluate(in: scope(input, state: state, token: token, mapItem: mapItem))
    } catch {
      throw failure(error)
    }
  }

  func applyResultPath(_ resultPath: OptionalResultPath, state: State, input: JSONValue, result: JSONValue) throws -> JSONValue {
    switch resultPath {
    case .null: return input
    case .path(nil): return result
    case .path(let path?):
      do {
        return try path.setting(result, in: input)
      } catch {
        throw failure(error)
      }
    }
  }

  /// The variables `Assign` sets, evaluated against `result`; applied by the caller once the state's output is known,
  /// so that the state itself still sees the old values.
  func assignments(_ assign: PayloadTemplate?, result: JSONValue, state: State) throws -> [String: JSONValue] {
    guard let assign else { return [:] }
    guard case .object(let values) = try evaluate(assign, on: result, state: state) else { return [:] }
    var variables: [String: JSONValue] = [:]
    for (key, value) in values { variables[key] = value }
    return variables
  }

  /// The value of an `Error`/`ErrorPath`-style field.
  func resolve(_ source: StringSource, on input: JSONValue, state: State, field: String) throws -> String {
    let value: JSONValue
    switch source {
    case .value(let text): return text
    case .path(let path):
      guard let found = path.evaluate(in: scope(input, state: state)) else {
        throw runtimeError("The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the input '\(input.serialized())'")
      }
      value = found
    case .intrinsic(let function):
      do { value = try function.evaluate(in: scope(input, state: state)) } catch {
        throw failure(error)
      }
    case .jsonata(let template):
      let name = field.hasSuffix("Path") ? String(field.dropLast(4)) : field
      value = try evaluate(template, field: name, state: state, StatesValues(input: input))
      guard case .string(let text) = value else { throw unexpectedType(template, field: name, expected: "string", got: value) }
      return text
    }
    guard case .string(let text) = value else {
      throw runtimeError("The value of the field '\(field)' must be a string, but it is \(value.serialized()).")
    }
    return text
  }

  /// A number field given as a value or read from a path: `TimeoutSecondsPath`, `MaxConcurrencyPath`, …
  func resolve(_ source: NumberSource, on input: JSONValue, state: State, field: String, integer: Bool = true) throws -> Double {
    switch source {
    case .value(let number): return number
    case .jsonata(let template):
      let name = field.hasSuffix("Path") ? String(field.dropLast(4)) : field
      let value = try evaluate(template, field: name, state: state, StatesValues(input: input))
      guard let number = integer ? (value.isNumber ? value.intValue.map(Double.init) : nil) : value.doubleValue, number >= 0 else {
        throw unexpectedType(template, field: name, expected: integer ? "integer" : "number", got: value)
      }
      return number
    case .path(let path):
      let found = path.evaluate(in: scope(input, state: state))
      if let found, let number = integer ? found.intValue.map(Double.init) : found.doubleValue, number >= 0 {
        return number
      }
      let shown = found.map { $0.serialized() } ?? "null"
      throw runtimeError("The \(field) field refers to value \"\(shown)\" which is not a valid integer: \(path.text)")
    }
  }
}

extension ScopeMachine {
  /// Step Functions' prefix of run-time errors: which state, entered at which event.
  var errorPrefix: String {
    "An error occurred while executing the state '\(position.state)' (entered at the event id #\(position.enteredEvent))."
  }

  /// A `States.Runtime` failure of the current state.
  func runtimeError(_ detail: String) -> StepFailure {
    StepFailure("States.Runtime", cause: "\(errorPrefix) \(detail)")
  }

  /// An expression's failure as the current state's, with the state prefix.
  func failure(_ error: ExpressionError) -> StepFailure {
    StepFailure(error.error, cause: error.cause.hasPrefix("An error occurred") ? error.cause : "\(errorPrefix) \(error.cause)")
  }
}

extension ScopeMachine {
  /// A number of seconds from a field (`TimeoutSecondsPath`, …), at most one year.
  func seconds(_ source: NumberSource, on input: JSONValue, state: State, field: String) throws -> Double {
    let value = try resolve(source, on: input, state: state, field: field)
    guard value <= Double(Self.maxWaitSeconds) else {
      throw runtimeError("The \(field) field refers to value \(value), more than the limit of \(Self.maxWaitSeconds) seconds.")
    }
    return value
  }

  /// A count from a field (`MaxConcurrencyPath`, …), at most 2^31 - 1 so that it fits any arithmetic done with it.
  func count(_ source: NumberSource, on input: JSONValue, state: State, field: String) throws -> Int {
    let value = try resolve(source, on: input, state: state, field: field)
    guard value <= Double(Int32.max) else {
      throw runtimeError("The \(field) field refers to value \(value), more than the limit of \(Int32.max).")
    }
    return Int(value)
  }
}
