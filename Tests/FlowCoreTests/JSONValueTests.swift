import FlowCore
import Testing

@Suite struct JSONValueTests {
  @Test func parsesEveryKindOfValue_andKeepsKeyOrder() throws {
    let value = try JSONValue(parsing: #"{"b": [1, 2.5, -3e2, true, false, null], "a": {"s": "x\"y\u00e9\n"}}"#)
    #expect(value["b"] == [1, 2.5, -300.0, true, false, nil])
    #expect(value["a"]?["s"] == "x\"yé\n")
    #expect(value.objectValue.map { Array($0.keys) } == ["b", "a"])
  }

  @Test func serializesCompactly_likeStepFunctions() throws {
    let value: JSONValue = ["a": [1, 2.5, "t\"x"], "b": nil, "c": ["d": true]]
    #expect(value.serialized() == #"{"a":[1,2.5,"t\"x"],"b":null,"c":{"d":true}}"#)
    #expect(try JSONValue(parsing: value.serialized()) == value)
  }

  @Test func integersAndDoublesCompareByValue_butPrintApart() {
    #expect(JSONValue.int(1) == JSONValue.double(1.0))
    #expect(JSONValue.int(1).hashValue == JSONValue.double(1.0).hashValue)
    #expect(JSONValue.int(1).serialized() == "1")
    #expect(JSONValue.double(1.5).serialized() == "1.5")
    #expect(JSONValue.double(.infinity).serialized() == "null")
  }

  @Test func objectEqualityIgnoresKeyOrder() throws {
    #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) == JSONValue(parsing: #"{"b":2,"a":1}"#))
  }

  @Test func escapesControlCharacters() {
    #expect(JSONValue.string("a\u{01}b\tc").serialized() == #""a\u0001b\tc""#)
  }

  @Test func decodesSurrogatePairs() throws {
    #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == "😀")
  }

  @Test(arguments: [
    ("", 1, 1, "empty input"),
    ("{\"a\": 1,}", 1, 9, "expected a string key"),
    ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key 'a'"),
    ("[1,\n 2 x]", 2, 4, "expected ',' or ']'"),
    ("01", 1, 1, "leading zero"),
    ("\"abc", 1, 1, "unterminated string"),
    ("[1] 2", 1, 5, "unexpected text after the JSON value"),
    ("tru", 1, 1, "invalid literal"),
    ("[1e999]", 1, 2, "number out of range"),
    ("{\"x\": -1e999}", 1, 7, "number out of range"),
    ("123456789e400", 1, 1, "number out of range"),
  ])
  func reportsErrorsWithLineAndColumn(text: String, line: Int, column: Int, message: String) {
    do {
      _ = try JSONValue(parsing: text)
      Issue.record("expected an error for \(text)")
    } catch {
      #expect(error.line == line)
      #expect(error.column == column)
      #expect(error.message.contains(message))
    }
  }

  @Test func largeIntegersFallBackToDoubles() throws {
    #expect(try JSONValue(parsing: "123456789012345678901234567890").doubleValue == 1.2345678901234568e29)
  }
}
