import FlowCore
import Testing

@testable import FlowExpressions

/// The array and math intrinsics.
extension IntrinsicFunctionTests {
  @Test func array() throws {
    #expect(try eval("States.Array('Foo', 2020, $.Id, null)", ["Id": 123_456]) == ["Foo", 2020, 123_456, nil])
    #expect(try eval("States.Array()") == [])
    #expect(try eval("States.Array(1, States.Array(2, 3))") == [1, [2, 3]])
  }

  @Test func arrayPartition() throws {
    #expect(try eval("States.ArrayPartition($.a, 4)", ["a": [1, 2, 3, 4, 5, 6, 7, 8, 9]]) == [[1, 2, 3, 4], [5, 6, 7, 8], [9]])
    #expect(try eval("States.ArrayPartition($.a, 2)", ["a": [0, 1, 2, 3]]) == [[0, 1], [2, 3]])
    #expect(try eval("States.ArrayPartition($.a, 5)", ["a": [0, 1, 2, 3]]) == [[0, 1, 2, 3]])
    #expect(try eval("States.ArrayPartition($.a, 1)", ["a": []]) == [])
    #expect(try eval("States.ArrayPartition($.a, 2147483647)", ["a": [1, 2, 3]]) == [[1, 2, 3]])
    // AWS truncates a fractional size: 2.6 acts as 2, and 0.6 as 0, which is rejected.
    #expect(try eval("States.ArrayPartition($.a, 2.6)", ["a": [1, 2, 3, 4, 5]]) == [[1, 2], [3, 4], [5]])
    for size in ["0", "-1", "0.6", "-0.4", "'2'", "null"] {
      #expect(try invalid("States.ArrayPartition($.a, \(size))", ["a": [1, 2, 3]]), "\(size)")
    }
    #expect(try invalid("States.ArrayPartition('not-array', 2)"))
    #expect(try invalid("States.ArrayPartition($.a)", ["a": [1]]))
  }

  /// What AWS answered, including its text-based comparison of scalars.
  @Test func arrayContains() throws {
    func contains(_ array: JSONValue, _ value: JSONValue) throws -> JSONValue {
      try eval("States.ArrayContains($.a, $.v)", ["a": array, "v": value])
    }
    #expect(try contains([1, 2, 3, 4, 5, 6, 7, 8, 9], 5) == true)
    #expect(try contains([], []) == false)
    #expect(try contains([[1, 2, 3], 2], nil) == false)
    #expect(try contains([[1, 2, 3], 2], [1, 2, 3]) == true)
    #expect(try contains([["1": 2, "2": []]], []) == false)
    #expect(try contains([["1": 2, "2": []]], ["1": 2, "2": []]) == true)
    #expect(try contains([true, false], false) == true)
    #expect(try contains([1, nil, 3], nil) == true)
    #expect(try contains([0, 1, -1, -1.5], false) == false)
    #expect(try contains(["true", "false"], true) == true)
    #expect(try contains(["9007199254740991"], 9_007_199_254_740_991) == true)
    #expect(try contains([["a": 1, "b": 2]], ["b": 2, "a": 1]) == false)
    #expect(try contains([["a": 1]], ["a": 1, "extra": nil]) == false)
    #expect(try invalid("States.ArrayContains('not-array', 'x')"))
    #expect(try invalid("States.ArrayContains($.a)", ["a": [1]]))
  }

  @Test func arrayRange() throws {
    #expect(try eval("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9])
    #expect(try eval("States.ArrayRange(0, 9, 3)") == [0, 3, 6, 9])
    #expect(try eval("States.ArrayRange(0, 10, 3)") == [0, 3, 6, 9])
    #expect(try eval("States.ArrayRange(1, 9, 9)") == [1])
    #expect(try eval("States.ArrayRange(-2, 2, 2)") == [-2, 0, 2])
    #expect(try eval("States.ArrayRange(5, 1, -2)") == [5, 3, 1])
    #expect(try eval("States.ArrayRange(3, 3, -1)") == [3])
    #expect(try eval("States.ArrayRange(5, 1, 1)") == [])
    #expect(try eval("States.ArrayRange(1, 5, -1)") == [])
    // Fractions are truncated: (1.6, 1.4, 1) is (1, 1, 1), and (5.4, -0.6, -2.4) is (5, 0, -2).
    #expect(try eval("States.ArrayRange(1.6, 1.4, 1)") == [1])
    #expect(try eval("States.ArrayRange(5.4, -0.6, -2.4)") == [5, 3, 1])
    #expect(try eval("States.ArrayRange(1, 1000, 1)").arrayValue?.count == 1000)
    #expect(try eval("States.ArrayRange(1000, 1, -1)").arrayValue?.count == 1000)
    for args in ["1, 1001, 1", "1001, 1, -1", "1, 10, 0", "1, 10, 0.49", "'a', 5, 1", "1, 5", "1, 5, 1, 99"] {
      #expect(try invalid("States.ArrayRange(\(args))"), "\(args)")
    }
  }

  @Test func arrayGetItem() throws {
    #expect(try eval("States.ArrayGetItem($.a, $.i)", ["a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "i": 5]) == 6)
    #expect(try eval("States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)") == "y")
    #expect(try eval("States.ArrayGetItem($.a, 1.2)", ["a": [10, 20, 30]]) == 20)
    #expect(try eval("States.ArrayGetItem($.a, 999)", ["a": []]) == nil)
    for index in ["3", "-1", "'1'"] {
      #expect(try invalid("States.ArrayGetItem($.a, \(index))", ["a": [10, 20, 30]]), "\(index)")
    }
    #expect(try invalid("States.ArrayGetItem('not-array', 0)"))
  }

  @Test func arrayLengthAndUnique() throws {
    #expect(try eval("States.ArrayLength($.a)", ["a": [1, 2, 3, 4, 5, 6, 7, 8, 9]]) == 9)
    #expect(try eval("States.ArrayLength(States.Array())") == 0)
    #expect(try invalid("States.ArrayLength('not-array')"))
    #expect(try invalid("States.ArrayLength($.o)", ["o": ["k": 1]]))
    #expect(try eval("States.ArrayUnique($.a)", ["a": [1, 2, 3, 3, 3, 3, 3, 3, 4]]) == [1, 2, 3, 4])
    let mixed: JSONValue = [nil, nil, true, true, "x", "x", [], [], ["a": 1, "b": 2], ["b": 2, "a": 1], ["a": 1]]
    #expect(try eval("States.ArrayUnique($.a)", ["a": mixed]) == [nil, true, "x", [], ["a": 1, "b": 2], ["a": 1]])
    #expect(try invalid("States.ArrayUnique('x')"))
  }

  /// Operands are rounded half up, as Java's Math.round does (AWS's test_math_add cases).
  @Test func mathAdd() throws {
    let cases: [(JSONValue, JSONValue, Int)] = [
      (-9, 3, -6), (1.49, 1.5, 3), (1.5, 1.51, 4), (-1.49, -1.5, -2), (-1.5, -1.51, -3), (1.49, 0, 1),
      (1.5, 0, 2), (1.51, 0, 2), (-1.5, 0, -1), (-1.51, 0, -2), (2.5, 0, 3), (3.5, 0, 4), (-0.5, 0, 0),
      (-2.5, 0, -2), (0.1, 0.2, 0), (111, -1, 110),
    ]
    for (a, b, sum) in cases {
      #expect(try eval("States.MathAdd($.a, $.b)", ["a": a, "b": b]) == .int(sum), "\(a) + \(b)")
    }
    #expect(try eval("States.MathAdd(2147483646, 1)") == 2_147_483_647)
    #expect(try eval("States.MathAdd(-2147483647, -1)") == -2_147_483_648)
    for args in ["2147483647, 1", "-2147483648, -1", "3000000000, 1", "'a', 1", "null, 1", "true, 1", "'1', 2", "1", "1, 2, 3"] {
      #expect(try invalid("States.MathAdd(\(args))"), "\(args)")
    }
    #expect(try eval("States.MathAdd(States.MathAdd($.x, 1), 2)", ["x": 5]) == 8)
  }

  @Test func mathRandom() throws {
    for _ in 0..<50 {
      let value = try eval("States.MathRandom(1, 5)").intValue ?? -1
      #expect((1..<5).contains(value))
    }
    // Bounds are truncated: (1.6, 5.4) draws from 1..<5.
    for _ in 0..<20 {
      #expect(try (1..<5).contains(eval("States.MathRandom(1.6, 5.4)").intValue ?? -1))
    }
    let seeded = try eval("States.MathRandom(1, 1000, 42)")
    #expect(try eval("States.MathRandom(1, 1000, 42)") == seeded)
    #expect(try eval("States.MathRandom(2147483640, 2147483647, 1)").intValue.map { $0 >= 2_147_483_640 } == true)
    for args in ["1, 1", "10, 5", "1.4, 1.6", "1.49, 1.49", "'a', 10", "1, 'b'", "1, 10, 'seed'", "1, 10, null", "1", "1, 10, 5, 99"] {
      #expect(try invalid("States.MathRandom(\(args))"), "\(args)")
    }
  }

  /// The seeded generator is java.util.Random: these are the values Java gives.
  @Test func javaRandomMatchesJava() {
    var zero = JavaRandom(seed: 0)
    #expect(zero.next(bits: 32) == -1_155_484_576)
    var fortyTwo = JavaRandom(seed: 42)
    #expect(fortyTwo.next(bits: 32) == -1_170_105_035)
    var bounded = JavaRandom(seed: 42)
    #expect(bounded.nextInt(bound: 10) == 0)
  }
}
