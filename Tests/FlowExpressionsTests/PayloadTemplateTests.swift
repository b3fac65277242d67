import FlowCore
import FlowExpressions
import Testing

/// Payload templates as the States Language specification describes them ("Parameters", "Payload Template").
@Suite struct PayloadTemplateTests {
  func evaluate(_ template: JSONValue, _ input: JSONValue, context: JSONValue = .emptyObject) throws -> JSONValue {
    try PayloadTemplate(template).evaluate(in: EvaluationScope(input: input, context: context))
  }

  /// The example of the specification's "Parameters" section.
  @Test func specificationExample() throws {
    let template: JSONValue = [
      "flagged": true,
      "parts": ["first.$": "$.vals[0]", "last3.$": "$.vals[-3:]"],
      "weekday.$": "$$.DayOfWeek",
      "formattedOutput.$": "States.Format('Today is {}', $$.DayOfWeek)",
    ]
    let input: JSONValue = ["flagged": 7, "vals": [0, 10, 20, 30, 40, 50]]
    let output = try evaluate(template, input, context: ["DayOfWeek": "TUESDAY"])
    #expect(
      output == [
        "flagged": true, "parts": ["first": 0, "last3": [30, 40, 50]], "weekday": "TUESDAY",
        "formattedOutput": "Today is TUESDAY",
      ])
    #expect(output.objectValue.map { Array($0.keys) } == ["flagged", "parts", "weekday", "formattedOutput"])
  }

  @Test func nestedObjectsAndArraysAreProcessed() throws {
    let template: JSONValue = [
      "list": [1, ["x.$": "$.a"], [["y.$": "States.Array($.a)"]], "plain.$"],
      "deep": ["deeper": ["z.$": "$"]],
    ]
    #expect(
      try evaluate(template, ["a": "A"])
        == ["list": [1, ["x": "A"], [["y": ["A"]]], "plain.$"], "deep": ["deeper": ["z": ["a": "A"]]]])
  }

  @Test func constantTemplatesAreCopied() throws {
    let template: JSONValue = ["Comment": "Comment text", "n": [1, 2, ["k": nil]]]
    let compiled = try PayloadTemplate(template)
    #expect(compiled.isConstant)
    #expect(try compiled.evaluate(in: EvaluationScope(input: ["ignored": true])) == template)
    #expect(try !PayloadTemplate(["a.$": "$"]).isConstant)
    #expect(try evaluate("scalar", ["x": 1]) == "scalar")
  }

  @Test func nonReferencePathsGiveArrays() throws {
    let input: JSONValue = ["items": [["n": 1], ["n": 2], ["n": 3]]]
    let template: JSONValue = ["f.$": "$.items[?(@.n > 1)].n", "s.$": "$.items[0:2].n", "none.$": "$.items[?(@.n > 5)]"]
    #expect(try evaluate(template, input) == ["f": [2, 3], "s": [1, 2], "none": []])
  }

  /// States 0 to 2 of AWS's pass_result_regex_json_path machine: filters in templates and in intrinsic arguments.
  @Test func filtersInTemplatesAndIntrinsicArguments() throws {
    let users: JSONValue = [
      ["year": 1997, "name": "User1997", "status": 0], ["year": 1998, "name": "User1998", "status": 0],
      ["year": 1999, "last": "User1999", "status": 0], ["year": 2000, "last": "User2000", "status": 1],
    ]
    let state0 = try evaluate(["FromInput.$": "$.users[?(@.status == 0)]"], ["users": users])
    let zeros = try #require(state0["FromInput"])
    #expect(zeros.arrayValue?.count == 3)
    let state1 = try evaluate(["FromInput.$": "$[?(@.year <= 1999)]"], zeros)
    #expect(state1["FromInput"] == zeros)
    let state2 = try evaluate(["InputValue.$": "$", "FromInput.$": "States.JsonToString($.[?(@.year <= 1998)])"], zeros)
    #expect(
      state2["FromInput"]
        == "[{\"year\":1997,\"name\":\"User1997\",\"status\":0},{\"year\":1998,\"name\":\"User1998\",\"status\":0}]")
  }

  @Test func variablesAndContext() throws {
    let template = try PayloadTemplate(["v.$": "$count", "id.$": "$$.Execution.Id", "sum.$": "States.MathAdd($count, 1)"])
    let scope = EvaluationScope(input: .emptyObject, context: ["Execution": ["Id": "e-1"]], variables: ["count": 41])
    #expect(try template.evaluate(in: scope) == ["v": 41, "id": "e-1", "sum": 42])
  }

  @Test func missingPathFailsWithTheCauseAWSGives() throws {
    #expect {
      try evaluate(["x.$": "$.missing"], ["a": 1])
    } throws: { error in
      let error = error as? ExpressionError
      return error?.error == "States.Runtime"
        && error?.cause == "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{\"a\":1}'"
    }
    #expect {
      try evaluate(["outer": ["h.$": "States.Hash($.missing, 'SHA-256')"]], .emptyObject)
    } throws: { error in
      (error as? ExpressionError)?.cause
        == "The JSONPath '$.missing' specified for the field 'h.$' could not be found in the input '{}'"
    }
  }

  /// The answer AWS gave for `"Jobs.$": "$.Jobs.sum()"` (re:Post question on sum()).
  @Test func pathFunctionsAreNotFound() throws {
    #expect {
      try evaluate(["Jobs.$": "$.Jobs.sum()"], ["Jobs": [0, 1]])
    } throws: { error in
      (error as? ExpressionError)?.cause
        == "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input '{\"Jobs\":[0,1]}'"
    }
  }

  @Test func intrinsicFailuresPropagate() throws {
    #expect {
      try evaluate(["n.$": "States.MathAdd($.a, 'x')"], ["a": 1])
    } throws: { error in
      let error = error as? ExpressionError
      return error?.error == "States.Runtime" && error?.cause == "Invalid arguments in States.MathAdd"
    }
  }

  @Test func valuesOfDollarKeysMustBePathsOrCalls() {
    #expect {
      try PayloadTemplate(["a": ["b.$": "not a path"]])
    } throws: { error in
      (error as? ExpressionSyntaxError)?.keyPath == ["a", "b.$"]
    }
    #expect {
      try PayloadTemplate(["list": [["n.$": 5]]])
    } throws: { error in
      (error as? ExpressionSyntaxError)?.keyPath == ["list", "0", "n.$"]
    }
    #expect(throws: ExpressionSyntaxError.self) { try PayloadTemplate(["a.$": "States.Nope($.x)"]) }
    #expect(throws: ExpressionSyntaxError.self) { try PayloadTemplate(["a.$": "$.x[?("]) }
    #expect(throws: ExpressionSyntaxError.self) { try PayloadTemplate(["a.$": nil]) }
  }

  @Test func equalityIsByTemplate() throws {
    #expect(try PayloadTemplate(["a.$": "$.x"]) == PayloadTemplate(["a.$": "$.x"]))
    #expect(try PayloadTemplate(["a.$": "$.x"]).template == ["a.$": "$.x"])
  }
}
