import FlowCore
import FlowExpressions

/// One entry of a Choice state's `Choices`: a condition, where to go when it holds, and its `Assign`.
public struct ChoiceRule: Sendable {
  public var condition: ChoiceCondition
  /// `Next` (required on top-level rules).
  public var next: String
  /// `Assign` applied when this rule is chosen.
  public var assign: PayloadTemplate?
  public var location: SourceLocation?
  /// `Output` and `Assign` of a rule of a JSONata Choice state.
  public var jsonata: JSONataFields?
  public init(condition: ChoiceCondition, next: String, assign: PayloadTemplate? = nil, location: SourceLocation? = nil) {
    self.condition = condition
    self.next = next
    self.assign = assign
    self.location = location
  }
}

/// A Boolean expression of a Choice rule.
public indirect enum ChoiceCondition: Sendable {
  case and([ChoiceCondition])
  case or([ChoiceCondition])
  case not(ChoiceCondition)
  /// `Variable` compared with a literal or with the value at another path (`…Path` operators).
  case compare(variable: JSONPath, ComparisonOperator, ChoiceOperand)
  /// `IsPresent`, `IsNull`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp` with the expected answer.
  case test(variable: JSONPath, TypeTest, expected: Bool)
  /// JSONata `Condition`: a `{% … %}` expression or a literal Boolean.
  case jsonata(JSONataTemplate)
}

/// The right-hand side of a comparison.
public enum ChoiceOperand: Hashable, Sendable {
  case value(JSONValue)
  case path(JSONPath)
}

/// A comparison operator, without its `Path` suffix (the operand says whether it was a path).
public enum ComparisonOperator: String, CaseIterable, Hashable, Sendable {
  case stringEquals = "StringEquals", stringLessThan = "StringLessThan", stringGreaterThan = "StringGreaterThan"
  case stringLessThanEquals = "StringLessThanEquals", stringGreaterThanEquals = "StringGreaterThanEquals"
  case stringMatches = "StringMatches"
  case numericEquals = "NumericEquals", numericLessThan = "NumericLessThan", numericGreaterThan = "NumericGreaterThan"
  case numericLessThanEquals = "NumericLessThanEquals", numericGreaterThanEquals = "NumericGreaterThanEquals"
  case booleanEquals = "BooleanEquals"
  case timestampEquals = "TimestampEquals", timestampLessThan = "TimestampLessThan"
  case timestampGreaterThan = "TimestampGreaterThan", timestampLessThanEquals = "TimestampLessThanEquals"
  case timestampGreaterThanEquals = "TimestampGreaterThanEquals"
}

/// A type test of a Choice rule.
public enum TypeTest: String, CaseIterable, Hashable, Sendable {
  case isPresent = "IsPresent", isNull = "IsNull", isNumeric = "IsNumeric", isString = "IsString"
  case isBoolean = "IsBoolean", isTimestamp = "IsTimestamp"
}
