import FlowCore
import Foundation
import Testing

@testable import FlowExpressions

/// Arguments at the edges of 64-bit integers and text that is not what a function expects fail with
/// `States.Runtime` and a cause, never trap.
@Suite struct HostileIntrinsicTests {
  func failure(_ text: String, _ input: JSONValue = .emptyObject) throws -> ExpressionError? {
    let function = try IntrinsicFunction(text)
    do {
      _ = try function.evaluate(in: EvaluationScope(input: input))
      return nil
    } catch {
      return error
    }
  }

  static let min = JSONValue.int(Int.min), max = JSONValue.int(Int.max)

  static let failing: [(String, JSONValue)] = [
    ("States.ArrayRange(-1, 9223372036854775807, 1)", JSONValue.emptyObject),
    ("States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)", .emptyObject),
    ("States.ArrayRange(9223372036854775807, -9223372036854775808, -1)", .emptyObject),
    ("States.ArrayRange(0, 0, $.s)", ["s": min]),
    ("States.ArrayRange(0, 1001, 1)", .emptyObject),
    ("States.ArrayRange(-2147483648, 2147483647, 1)", .emptyObject),
    ("States.ArrayRange(2147483647, -2147483648, -1)", .emptyObject),
    ("States.ArrayPartition(States.Array(1, 2), $.n)", ["n": max]),
    ("States.ArrayGetItem(States.Array(1, 2), $.n)", ["n": min]),
    ("States.MathRandom($.a, $.b)", ["a": min, "b": max]),
    ("States.MathRandom($.a, $.b, 7)", ["a": -2_147_483_648, "b": 2_147_483_647]),
    ("States.MathAdd($.a, $.b)", ["a": max, "b": max]),
    ("States.MathAdd($.a, 1)", ["a": 2_147_483_647]),
    ("States.MathAdd(1e300, 1)", .emptyObject),
    ("States.Base64Decode('!!!')", .emptyObject),
    ("States.Base64Decode('YWJj!ZA==')", .emptyObject),
    ("States.Base64Decode('YWJjZA==!')", .emptyObject),
  ]

  @Test(arguments: failing)
  func failsWithARuntimeError(text: String, input: JSONValue) throws {
    let error = try #require(try failure(text, input), "\(text) did not fail")
    #expect(error.error == "States.Runtime")
    #expect(error.cause == "Invalid arguments in \(text.prefix { $0 != "(" })")
  }

  @Test func callsAtThe32BitEdgesThatAreSmallSucceed() throws {
    let scope = EvaluationScope(input: ["n": 2_147_483_647])
    #expect(try IntrinsicFunction("States.ArrayRange(2147483646, 2147483647, 1)").evaluate(in: scope)
            == [2_147_483_646, 2_147_483_647])
    #expect(try IntrinsicFunction("States.ArrayRange(0, -2147483647, -2147483648)").evaluate(in: scope) == [0])
    #expect(try IntrinsicFunction("States.ArrayRange(1, 3, 2147483647)").evaluate(in: scope) == [1])
    #expect(try IntrinsicFunction("States.ArrayPartition(States.Array(1, 2, 3), $.n)").evaluate(in: scope) == [[1, 2, 3]])
    #expect(try IntrinsicFunction("States.ArrayPartition(States.Array(), $.n)").evaluate(in: scope) == [])
    let random = try IntrinsicFunction("States.MathRandom(-2147483648, 2147483647)").evaluate(in: scope)
    #expect(random.intValue.map { (-2_147_483_648..<2_147_483_647).contains($0) } == true)
    #expect(try IntrinsicFunction("States.Base64Decode($.s)").evaluate(in: EvaluationScope(input: ["s": " YWJj\r\n\tZA== "])) == "abcd")
  }
}
