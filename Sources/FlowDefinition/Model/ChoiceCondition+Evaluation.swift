import FlowCore
import FlowExpressions

extension ChoiceCondition {
  /// Whether the condition holds for `scope`. A comparison against a value of the wrong type is false.
  /// - Throws: ``ExpressionError`` `States.Runtime` when `Variable` (or a `…Path` operand) matches nothing,
  ///   except under `IsPresent`, which is then false.
  public func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> Bool {
    switch self {
    case .and(let conditions):
      for condition in conditions where try !condition.evaluate(in: scope) { return false }
      return true
    case .or(let conditions):
      for condition in conditions where try condition.evaluate(in: scope) { return true }
      return false
    case .not(let condition):
      return try !condition.evaluate(in: scope)
    case .test(let variable, .isPresent, let expected):
      return Self.isPresent(variable.evaluate(in: scope), reference: variable.isReferencePath) == expected
    case .test(let variable, let test, let expected):
      let value = try Self.resolve(variable, in: scope)
      return test.holds(for: value) == expected
    case .compare(let variable, let op, let operand):
      let left = try Self.resolve(variable, in: scope)
      let right: JSONValue = switch operand {
      case .value(let value): value
      case .path(let path): try Self.resolve(path, in: scope)
      }
      return op.holds(left, right)
    case .jsonata(let template):
      // JSONata conditions are evaluated by the executor, which binds `$states`; only a literal can be read here.
      return template.literalValue == .bool(true)
    }
  }

  /// A non-reference path (wildcard, filter, …) gives the list of its matches: it is present when that list is not empty.
  private static func isPresent(_ value: JSONValue?, reference: Bool) -> Bool {
    guard let value else { return false }
    if !reference, case .array(let matches) = value { return !matches.isEmpty }
    return true
  }

  private static func resolve(_ path: JSONPath, in scope: EvaluationScope) throws(ExpressionError) -> JSONValue {
    guard let value = path.evaluate(in: scope) else {
      throw ExpressionError("States.Runtime",
                            "Invalid path '\(path.text)': The choice state's condition path references an invalid value.")
    }
    return value
  }
}

extension TypeTest {
  /// The answer of this test for a value that exists (`IsPresent` is handled before, as it needs no value).
  func holds(for value: JSONValue) -> Bool {
    switch self {
    case .isPresent: true
    case .isNull: value == .null
    case .isNumeric: value.isNumber
    case .isString: value.stringValue != nil
    case .isBoolean: value.boolValue != nil
    case .isTimestamp: value.stringValue.flatMap(RFC3339Timestamp.init) != nil
    }
  }
}

extension ComparisonOperator {
  /// `left OP right`; false whenever either side is not of the operator's type.
  func holds(_ left: JSONValue, _ right: JSONValue) -> Bool {
    switch self {
    case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals:
      guard case .string(let a) = left, case .string(let b) = right else { return false }
      return ordered(Self.compareStrings(a, b))
    case .stringMatches:
      guard case .string(let a) = left, case .string(let pattern) = right else { return false }
      return Self.matches(a, pattern: pattern)
    case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
      guard let order = Self.compareNumbers(left, right) else { return false }
      return ordered(order)
    case .booleanEquals:
      guard case .bool(let a) = left, case .bool(let b) = right else { return false }
      return a == b
    case .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals, .timestampGreaterThanEquals:
      guard let a = left.stringValue.flatMap(RFC3339Timestamp.init),
        let b = right.stringValue.flatMap(RFC3339Timestamp.init)
      else { return false }
      return ordered(a < b ? -1 : (a == b ? 0 : 1))
    }
  }

  /// Whether a three-way comparison result (-1, 0, 1) satisfies this operator.
  private func ordered(_ order: Int) -> Bool {
    switch self {
    case .stringEquals, .numericEquals, .timestampEquals: order == 0
    case .stringLessThan, .numericLessThan, .timestampLessThan: order < 0
    case .stringGreaterThan, .numericGreaterThan, .timestampGreaterThan: order > 0
    case .stringLessThanEquals, .numericLessThanEquals, .timestampLessThanEquals: order <= 0
    case .stringGreaterThanEquals, .numericGreaterThanEquals, .timestampGreaterThanEquals: order >= 0
    case .stringMatches, .booleanEquals: false
    }
  }

  /// Strings compare by UTF-16 code units, as Step Functions (Java) does, not by Swift's canonical ordering.
  private static func compareStrings(_ a: String, _ b: String) -> Int {
    if a.utf16.elementsEqual(b.utf16) { return 0 }
    return a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1
  }

  /// Integers compare exactly; an integer and a floating-point number compare by value.
  private static func compareNumbers(_ left: JSONValue, _ right: JSONValue) -> Int? {
    switch (left, right) {
    case let (.int(a), .int(b)): return a < b ? -1 : (a == b ? 0 : 1)
    default:
      guard let a = left.doubleValue, let b = right.doubleValue else { return nil }
      return a < b ? -1 : (a == b ? 0 : 1)
    }
  }

  /// `StringMatches`: `*` matches any run of characters; `\*` is a literal asterisk and `\\` a literal backslash.
  static func matches(_ text: String, pattern: String) -> Bool {
    enum Token: Equatable { case literal(Unicode.Scalar), any }
    var tokens: [Token] = []
    var escaping = false
    for scalar in pattern.unicodeScalars {
      if escaping {
        tokens.append(.literal(scalar))
        escaping = false
      } else if scalar == "\\" {
        escaping = true
      } else {
        tokens.append(scalar == "*" ? .any : .literal(scalar))
      }
    }
    if escaping { tokens.append(.literal("\\")) }
    // Greedy matching with backtracking to the last `*`: linear in practice, never exponential.
    let chars = Array(text.unicodeScalars)
    var t = 0, c = 0
    var star: Int?, starMatch = 0
    while c < chars.count {
      if t < tokens.count, tokens[t] == .literal(chars[c]) {
        t += 1
        c += 1
      } else if t < tokens.count, tokens[t] == .any {
        star = t
        starMatch = c
        t += 1
      } else if let s = star {
        t = s + 1
        starMatch += 1
        c = starMatch
      } else {
        return false
      }
    }
    while t < tokens.count, tokens[t] == .any { t += 1 }
    return t == tokens.count
  }
}
