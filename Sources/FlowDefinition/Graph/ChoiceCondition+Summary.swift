import FlowCore

extension ChoiceCondition {
  /// A short human-readable form for graph labels: `$.score >= 0.9`, `$.name is present`, `not ($.x == 1)`.
  var summary: String {
    switch self {
    case .and(let conditions): return conditions.map { $0.nestedSummary }.joined(separator: " and ")
    case .or(let conditions): return conditions.map { $0.nestedSummary }.joined(separator: " or ")
    case .not(let condition): return "not (\(condition.summary))"
    case .test(let variable, let test, let expected):
      let what = switch test {
      case .isPresent: "present"
      case .isNull: "null"
      case .isNumeric: "numeric"
      case .isString: "a string"
      case .isBoolean: "a boolean"
      case .isTimestamp: "a timestamp"
      }
      return "\(variable.text) is \(expected ? "" : "not ")\(what)"
    case .compare(let variable, let op, let operand):
      let right = switch operand {
      case .value(let value): value.serialized()
      case .path(let path): path.text
      }
      return "\(variable.text) \(op.symbol) \(right)"
    case .jsonata(let template):
      return template.value.stringValue ?? template.value.serialized()
    }
  }

  /// Compound conditions in parentheses when nested.
  private var nestedSummary: String {
    switch self {
    case .and, .or, .not: "(\(summary))"
    default: summary
    }
  }
}

extension ComparisonOperator {
  var symbol: String {
    switch self {
    case .stringEquals, .numericEquals, .booleanEquals, .timestampEquals: "=="
    case .stringLessThan, .numericLessThan, .timestampLessThan: "<"
    case .stringGreaterThan, .numericGreaterThan, .timestampGreaterThan: ">"
    case .stringLessThanEquals, .numericLessThanEquals, .timestampLessThanEquals: "<="
    case .stringGreaterThanEquals, .numericGreaterThanEquals, .timestampGreaterThanEquals: ">="
    case .stringMatches: "matches"
    }
  }
}
