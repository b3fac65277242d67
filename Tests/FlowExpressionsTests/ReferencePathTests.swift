import FlowCore
import FlowExpressions
import Testing

/// `ResultPath` semantics from the States Language specification ("ResultPath" and "Errors" sections).
@Suite struct ReferencePathTests {
  @Test func dollarReplacesTheWholeInput() throws {
    #expect(try ReferencePath("$").setting(["r": 1], in: ["in": true]) == ["r": 1])
    #expect(try ReferencePath("$").setting("text", in: 5) == "text")
  }

  @Test func addsAMember() throws {
    let input: JSONValue = ["master": ["detail": [1, 2, 3]]]
    let output = try ReferencePath("$.master.result").setting(6, in: input)
    #expect(output == ["master": ["detail": [1, 2, 3], "result": 6]])
  }

  @Test func replacesAnExistingMemberInPlace() throws {
    let input: JSONValue = ["a": 1, "b": ["c": 2], "d": 3]
    let output = try ReferencePath("$.b").setting("new", in: input)
    #expect(output == ["a": 1, "b": "new", "d": 3])
    #expect(output.objectValue.map { Array($0.keys) } == ["a", "b", "d"])
  }

  @Test func createsMissingObjectsOnTheWay() throws {
    #expect(try ReferencePath("$.a.b.c").setting(true, in: ["x": 0]) == ["x": 0, "a": ["b": ["c": true]]])
    #expect(try ReferencePath("$['with space'].k").setting(1, in: .emptyObject) == ["with space": ["k": 1]])
  }

  @Test func indexReplacesAnArrayElement() throws {
    let input: JSONValue = ["a": [1, ["x": 0], 3]]
    #expect(try ReferencePath("$.a[0]").setting("first", in: input) == ["a": ["first", ["x": 0], 3]])
    #expect(try ReferencePath("$.a[1].y").setting(9, in: input) == ["a": [1, ["x": 0, "y": 9], 3]])
    #expect(try ReferencePath("$.a[-1]").setting("last", in: input) == ["a": [1, ["x": 0], "last"]])
  }

  @Test func writingThroughANonObjectFails() throws {
    let input: JSONValue = ["a": "str"]
    #expect {
      try ReferencePath("$.a.b").setting(1, in: input)
    } throws: { error in
      let error = error as? ExpressionError
      return error?.error == "States.ResultPathMatchFailure"
        && error?.cause == "Unable to apply step \"b\" to input {\"a\":\"str\"}"
    }
    #expect(throws: ExpressionError.self) { try ReferencePath("$.a").setting(1, in: "not an object") }
    #expect(throws: ExpressionError.self) { try ReferencePath("$.a[5]").setting(1, in: ["a": [1]]) }
    #expect(throws: ExpressionError.self) { try ReferencePath("$.a[0]").setting(1, in: ["a": ["k": 1]]) }
    #expect(throws: ExpressionError.self) { try ReferencePath("$.missing[0]").setting(1, in: .emptyObject) }
  }

  @Test(arguments: ["$$.Execution", "$var.x", "$.a[*]", "$..a", "$.a[0:1]", "$.a[?(@.b)]", "$['a','b']", "a", "$."])
  func rejectsWhatIsNotAnInputReferencePath(_ text: String) {
    #expect(throws: ExpressionSyntaxError.self) { try ReferencePath(text) }
  }

  @Test func keepsItsText() throws {
    let path = try ReferencePath("$.a.b")
    #expect(path.text == "$.a.b")
    #expect(path.description == "$.a.b")
    #expect(path.path.isReferencePath)
  }
}
