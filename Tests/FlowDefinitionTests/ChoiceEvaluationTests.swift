import FlowCore
import FlowExpressions
import Foundation
import Testing

@testable import FlowDefinition

@Suite struct ChoiceEvaluationTests {
  private func compare(_ op: ComparisonOperator, _ left: JSONValue, _ right: JSONValue) throws -> Bool {
    try ChoiceCondition.compare(variable: JSONPath("$.v"), op, .value(right)).evaluate(in: EvaluationScope(input: ["v": left]))
  }

  @Test(arguments: [
    (ComparisonOperator.stringEquals, JSONValue.string("a"), JSONValue.string("a"), true),
    (.stringEquals, 1, "1", false), (.stringEquals, nil, "a", false), (.stringLessThan, "A", "AB", true),
    (.stringLessThan, "b", "a", false), (.stringGreaterThan, "AB", "A", true), (.stringLessThanEquals, "", "", true),
    (.stringGreaterThanEquals, "B", "A", true), (.stringLessThan, "Z", "a", true), (.stringEquals, "\u{E9}", "e\u{301}", false),
    (.numericEquals, 1, 1.0, true), (.numericEquals, 0.0, 0, true), (.numericEquals, "1", 1, false), (.numericEquals, true, 1, false),
    (.numericLessThan, 1, 1.5, true), (.numericGreaterThan, 2.5, 2, true), (.numericLessThanEquals, 2, 2, true),
    (.numericGreaterThanEquals, 1, 2, false), (.numericEquals, 9_007_199_254_740_993, 9_007_199_254_740_992, false),
    (.booleanEquals, true, true, true), (.booleanEquals, 0, false, false), (.booleanEquals, "true", true, false),
    (.timestampEquals, "2025-01-31T10:30:00+01:00", "2025-01-31T09:30:00Z", true),
    (.timestampLessThan, "2025-01-31T09:30:00.1Z", "2025-01-31T09:30:00.25Z", true),
    (.timestampEquals, "2025-01-31T09:30:00.500Z", "2025-01-31T09:30:00.5Z", true),
    (.timestampGreaterThan, "2025-02-01T00:00:00-00:30", "2025-02-01T00:00:00Z", true),
    (.timestampLessThanEquals, "not a time", "2025-01-31T09:30:00Z", false), (.timestampEquals, 5, "2025-01-31T09:30:00Z", false),
    (.timestampGreaterThanEquals, "2025-01-31t09:30:00z", "2025-01-01T00:00:00Z", false),
  ])
  func comparesWithTheOperatorsType(_ op: ComparisonOperator, _ left: JSONValue, _ right: JSONValue, _ expected: Bool) throws {
    #expect(try compare(op, left, right) == expected)
  }

  @Test(arguments: [
    ("log-*.txt", "log-2025.txt", true), ("log-*.txt", "log-.txt", true), ("log-*.txt", "log-a.txt.gz", false),
    ("*", "", true), ("a*b*c", "aXbYbc", true), ("a*b*c", "acb", false), ("*.csv", "data.CSV", false),
    ("a\\*b", "a*b", true), ("a\\*b", "aXb", false), ("a\\\\*", "a\\anything", true), ("exact", "exact", true),
    ("exact", "exactly", false), ("**a", "bba", true),
  ])
  func stringMatchesUsesWildcardsAndEscapes(_ pattern: String, _ text: String, _ expected: Bool) throws {
    #expect(try compare(.stringMatches, .string(text), .string(pattern)) == expected)
  }

  @Test(arguments: [
    (TypeTest.isNull, JSONValue.null, true), (.isNull, 0, false), (.isNumeric, 1.5, true), (.isNumeric, "1", false),
    (.isString, "", true), (.isString, nil, false), (.isBoolean, false, true), (.isBoolean, 0, false),
    (.isTimestamp, "2016-03-14T01:59:00Z", true), (.isTimestamp, "2016-03-14T01:59:00.123456789-07:00", true),
    (.isTimestamp, "2016-03-14", false), (.isTimestamp, "2016-02-30T00:00:00Z", false), (.isTimestamp, 1_457_920_740, false),
    (.isPresent, nil, true), (.isPresent, JSONValue.array([]), true),
  ])
  func typeTestsCheckTheValuesType(_ test: TypeTest, _ value: JSONValue, _ expected: Bool) throws {
    let scope = EvaluationScope(input: ["v": value])
    #expect(try ChoiceCondition.test(variable: JSONPath("$.v"), test, expected: true).evaluate(in: scope) == expected)
    #expect(try ChoiceCondition.test(variable: JSONPath("$.v"), test, expected: false).evaluate(in: scope) == !expected)
  }

  @Test func aMissingVariableIsARuntimeErrorExceptForIsPresent() throws {
    let scope = EvaluationScope(input: ["a": 1])
    let missing = try JSONPath("$.nope")
    #expect(try ChoiceCondition.test(variable: missing, .isPresent, expected: true).evaluate(in: scope) == false)
    #expect(try ChoiceCondition.test(variable: missing, .isPresent, expected: false).evaluate(in: scope) == true)
    #expect(throws: ExpressionError("States.Runtime", "Invalid path '$.nope': The choice state's condition path references an invalid value.")) {
      try ChoiceCondition.compare(variable: missing, .numericEquals, .value(1)).evaluate(in: scope)
    }
    #expect(throws: ExpressionError.self) {
      try ChoiceCondition.test(variable: missing, .isNull, expected: true).evaluate(in: scope)
    }
    #expect(throws: ExpressionError.self) {
      try ChoiceCondition.compare(variable: JSONPath("$.a"), .numericEquals, .path(JSONPath("$.nope"))).evaluate(in: scope)
    }
  }

  @Test func readsVariablesContextAndFilters() throws {
    let scope = EvaluationScope(input: ["items": [["ok": true], ["ok": false]]], context: ["Execution": ["Name": "run-1"]],
                                variables: ["limit": 3])
    #expect(try ChoiceCondition.compare(variable: JSONPath("$limit"), .numericGreaterThan, .value(2)).evaluate(in: scope))
    #expect(try ChoiceCondition.compare(variable: JSONPath("$$.Execution.Name"), .stringMatches, .value("run-*")).evaluate(in: scope))
    #expect(try ChoiceCondition.test(variable: JSONPath("$.items[?(@.ok == true)]"), .isPresent, expected: true).evaluate(in: scope))
    #expect(try !ChoiceCondition.test(variable: JSONPath("$.items[?(@.missing)]"), .isPresent, expected: true).evaluate(in: scope))
  }

  @Test func combinesConditionsWithAndOrNotAndShortCircuits() throws {
    let scope = EvaluationScope(input: ["a": 2, "b": "y"])
    let aIs2 = ChoiceCondition.compare(variable: try JSONPath("$.a"), .numericEquals, .value(2))
    let bIsX = ChoiceCondition.compare(variable: try JSONPath("$.b"), .stringEquals, .value("x"))
    let missing = ChoiceCondition.compare(variable: try JSONPath("$.missing"), .numericEquals, .value(2))
    #expect(try ChoiceCondition.and([aIs2, .not(bIsX)]).evaluate(in: scope))
    #expect(try !ChoiceCondition.and([aIs2, bIsX]).evaluate(in: scope))
    #expect(try ChoiceCondition.or([bIsX, aIs2]).evaluate(in: scope))
    #expect(try !ChoiceCondition.and([bIsX, missing]).evaluate(in: scope))
    #expect(try ChoiceCondition.or([aIs2, missing]).evaluate(in: scope))
    #expect(try ChoiceCondition.or([.and([aIs2, .not(.not(bIsX))]), .not(aIs2)]).evaluate(in: scope) == false)
  }
}
