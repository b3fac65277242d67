import FlowCore

/// A compiled intrinsic function call such as `States.Format('{} items', $.count)`.
///
/// Arguments are string literals in single quotes (escape `'`, `{`, `}` and `\` with a backslash),
/// numbers, `true`, `false`, `null`, paths (`$.x`, `$$.Execution.Id`, `$var.y`) and nested calls.
/// An unknown function name or malformed text is a syntax error; wrong argument types and values are
/// found at run time, as Step Functions does, and fail with `States.Runtime`
/// (`Invalid arguments in States.MathAdd`). A wrong argument count is visible in the text: ``arityProblems``
/// lists it, so that `flow validate` reports it before a run (evaluating such a call still fails at run time).
public struct IntrinsicFunction: Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public var description: String { text }
  let call: IntrinsicCall

  /// Compiles `text`. - Throws: ``ExpressionSyntaxError`` for malformed text or an unknown function.
  public init(_ text: String) throws(ExpressionSyntaxError) {
    var parser = IntrinsicParser(text)
    self.call = try parser.parse()
    self.text = text
  }

  public static func == (lhs: IntrinsicFunction, rhs: IntrinsicFunction) -> Bool { lhs.text == rhs.text }
  public func hash(into hasher: inout Hasher) { hasher.combine(text) }

  /// The function's name, such as `States.Format`.
  public var name: String { call.function.rawValue }

  /// True when `text` looks like an intrinsic call: `States.`, a name, and an argument list in parentheses.
  public static func isCall(_ text: String) -> Bool {
    guard text.hasPrefix("States."), text.hasSuffix(")") else { return false }
    let rest = text.utf8.dropFirst(7)
    let name = rest.prefix { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    guard !name.isEmpty else { return false }
    return rest.dropFirst(name.count).first == UInt8(ascii: "(")
  }

  /// Every call in the text (nested ones included) with a number of arguments its function never accepts, as
  /// messages: `States.ArrayRange takes 3 arguments, got 2`. Empty when every count is right.
  public var arityProblems: [String] { call.arityProblems }

  /// The names of every intrinsic function Step Functions defines.
  public static var functionNames: [String] { IntrinsicName.allCases.map(\.rawValue) }

  /// - Throws: ``ExpressionError``: `States.Runtime` for invalid arguments or a path argument that matches nothing.
  public func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> JSONValue {
    try evaluate(in: scope, field: nil)
  }

  /// Like ``evaluate(in:)``, naming `field` (such as `"CausePath"`) in the cause when a path argument
  /// matches nothing: `The JSONPath '$.x' specified for the field 'CausePath' could not be found in the input '{}'`.
  public func evaluate(in scope: EvaluationScope, field: String?) throws(ExpressionError) -> JSONValue {
    do {
      return try call.evaluate(in: scope)
    } catch {
      throw error.expressionError(field: field, input: scope.input)
    }
  }

  /// Evaluation that leaves a missing path unreported, so that a template can name its field.
  func evaluateReportingPaths(in scope: EvaluationScope) throws(IntrinsicFailure) -> JSONValue {
    try call.evaluate(in: scope)
  }
}

/// Why an intrinsic call failed at run time.
enum IntrinsicFailure: Error, Sendable {
  /// A path argument selected nothing.
  case pathNotFound(JSONPath)
  /// An argument count, type or value that the function does not accept.
  case invalidArguments(IntrinsicName)

  /// The error name Step Functions reports: it wraps intrinsic failures inside payload templates in `States.Runtime`.
  static let errorName = "States.Runtime"

  func expressionError(field: String?, input: JSONValue) -> ExpressionError {
    switch self {
    case .pathNotFound(let path):
      let fieldText = field.map { " specified for the field '\($0)'" } ?? ""
      return ExpressionError(
        IntrinsicFailure.errorName,
        "The JSONPath '\(path.text)'\(fieldText) could not be found in the input '\(input.serialized())'")
    case .invalidArguments(let function):
      return ExpressionError(IntrinsicFailure.errorName, "Invalid arguments in \(function.rawValue)")
    }
  }
}

/// The intrinsic functions of the States Language.
enum IntrinsicName: String, CaseIterable, Sendable {
  case format = "States.Format"
  case stringToJson = "States.StringToJson"
  case jsonToString = "States.JsonToString"
  case array = "States.Array"
  case arrayPartition = "States.ArrayPartition"
  case arrayContains = "States.ArrayContains"
  case arrayRange = "States.ArrayRange"
  case arrayGetItem = "States.ArrayGetItem"
  case arrayLength = "States.ArrayLength"
  case arrayUnique = "States.ArrayUnique"
  case base64Encode = "States.Base64Encode"
  case base64Decode = "States.Base64Decode"
  case hash = "States.Hash"
  case jsonMerge = "States.JsonMerge"
  case mathRandom = "States.MathRandom"
  case mathAdd = "States.MathAdd"
  case stringSplit = "States.StringSplit"
  case uuid = "States.UUID"
}

/// A compiled call: the function and its argument expressions.
struct IntrinsicCall: Sendable {
  let function: IntrinsicName
  let arguments: [IntrinsicArgument]

  func evaluate(in scope: EvaluationScope) throws(IntrinsicFailure) -> JSONValue {
    var values: [JSONValue] = []
    values.reserveCapacity(arguments.count)
    for argument in arguments { values.append(try argument.evaluate(in: scope)) }
    return try Intrinsics.apply(function, to: values, template: formatTemplate, random: scope.random)
  }

  /// The template of a `States.Format` call whose first argument is a literal, compiled with its escapes.
  var formatTemplate: FormatTemplate? {
    guard function == .format, case .string(_, let template)? = arguments.first else { return nil }
    return template
  }
}

extension IntrinsicName {
  /// How many arguments the function accepts.
  var arity: ClosedRange<Int> {
    switch self {
    case .format: 1...Int.max
    case .array: 0...Int.max
    case .uuid: 0...0
    case .stringToJson, .jsonToString, .arrayLength, .arrayUnique, .base64Encode, .base64Decode: 1...1
    case .arrayPartition, .arrayContains, .arrayGetItem, .hash, .mathAdd, .stringSplit: 2...2
    case .arrayRange, .jsonMerge: 3...3
    case .mathRandom: 2...3
    }
  }
}

extension IntrinsicCall {
  var arityProblems: [String] {
    var problems: [String] = []
    let range = function.arity
    if !range.contains(arguments.count) {
      let expected = switch (range.lowerBound, range.upperBound) {
      case (let low, Int.max): "at least \(low) argument\(low == 1 ? "" : "s")"
      case (let low, let high) where low == high: "\(low) argument\(low == 1 ? "" : "s")"
      case (let low, let high): "\(low) to \(high) arguments"
      }
      problems.append("\(function.rawValue) takes \(expected), got \(arguments.count)")
    }
    for case .call(let inner) in arguments { problems += inner.arityProblems }
    return problems
  }
}

/// One argument of an intrinsic call.
indirect enum IntrinsicArgument: Sendable {
  /// A number, `true`, `false` or `null`.
  case value(JSONValue)
  /// A string literal, with the `States.Format` template its escapes make of it.
  case string(String, FormatTemplate)
  case path(JSONPath)
  case call(IntrinsicCall)

  func evaluate(in scope: EvaluationScope) throws(IntrinsicFailure) -> JSONValue {
    switch self {
    case .value(let value): return value
    case .string(let text, _): return .string(text)
    case .path(let path):
      guard let value = path.evaluate(in: scope) else { throw .pathNotFound(path) }
      return value
    case .call(let call): return try call.evaluate(in: scope)
    }
  }
}
