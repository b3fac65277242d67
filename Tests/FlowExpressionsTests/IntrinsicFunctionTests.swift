import FlowCore
import Foundation
import Testing

@testable import FlowExpressions

/// Expected values come from the AWS documentation of intrinsic functions and from results AWS returned
/// (the shared conformance cases and published characterizations of Step Functions).
@Suite struct IntrinsicFunctionTests {
  func eval(_ text: String, _ input: JSONValue = .emptyObject, context: JSONValue = .emptyObject) throws -> JSONValue {
    try IntrinsicFunction(text).evaluate(in: EvaluationScope(input: input, context: context))
  }

  /// The error a call fails with, or nil when it succeeds.
  func failure(_ text: String, _ input: JSONValue = .emptyObject) throws -> ExpressionError? {
    let function = try IntrinsicFunction(text)
    do {
      _ = try function.evaluate(in: EvaluationScope(input: input))
      return nil
    } catch {
      return error
    }
  }

  func invalid(_ text: String, _ input: JSONValue = .emptyObject) throws -> Bool {
    guard let error = try failure(text, input) else { return false }
    let name = text.prefix { $0 != "(" }
    return error.error == "States.Runtime" && error.cause == "Invalid arguments in \(name)"
  }

  // MARK: Parsing

  @Test func isCallRecognizesCallsOnly() {
    for text in ["States.Format('x')", "States.UUID()", "States.Array($.a, States.Array(1))", "States.Nope()"] {
      #expect(IntrinsicFunction.isCall(text), "\(text)")
    }
    for text in ["States.Format", "$.x", "States.(x)", "xStates.A()", "States.A(x", "states.Array()", " States.UUID()", ""] {
      #expect(!IntrinsicFunction.isCall(text), "\(text)")
    }
  }

  @Test(arguments: [
    "States.Nope()", "States.Format(", "States.Array($.a) trailing", "States.Array([1,2])", "States.Array(1.)",
    "States.Array(.5)", "States.Array(01)", "States.Array(+1)", "States.Array('a\\nb')", "States.Array('open)",
    "States.Array(1,)", "States.Array(,1)", "States.Format", "Format('x')", "States.Array(foo)", "States.Array($.)",
    "States.Array(1 2)", "States.Array(States.Nope(1))", "States.Array(\"double\")",
  ])
  func syntaxErrors(_ text: String) {
    #expect(throws: ExpressionSyntaxError.self) { try IntrinsicFunction(text) }
  }

  @Test func argumentsOfEveryKind() throws {
    let input: JSONValue = ["a": ["b": [10, 20]], "s": "x"]
    let context: JSONValue = ["Execution": ["Id": "exec"]]
    #expect(
      try eval("States.Array( 'lit' , 1, -2.5, 1e2, true, false, null, $.a.b[1], $$.Execution.Id, $, States.Array() )", input,
        context: context)
        == ["lit", 1, -2.5, 100.0, true, false, nil, 20, "exec", input, []])
    #expect(try eval("States.Array($.a.b[*])", input) == [[10, 20]])
    #expect(try eval("States.Array($['a']['b'][0])", input) == [10])
    let scope = EvaluationScope(input: input, variables: ["v": ["k": "var"]])
    #expect(try IntrinsicFunction("States.Array($v.k)").evaluate(in: scope) == ["var"])
  }

  @Test func stringLiteralEscapes() throws {
    #expect(try eval("States.Array('it\\'s', 'a\\\\b', '\\{\\}', 'with, comma) and $.x')") == [
      "it's", "a\\b", "{}", "with, comma) and $.x",
    ])
    // A literal newline character (not an escape) is allowed, as AWS's escape_sequence case shows.
    #expect(try eval("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"])
  }

  @Test func missingPathFailsWithRuntime() throws {
    let error = try failure("States.Base64Encode($.missing)")
    #expect(error?.error == "States.Runtime")
    #expect(error?.cause == "The JSONPath '$.missing' could not be found in the input '{}'")
    #expect(try failure("States.Array(States.Array($.x.y))", ["x": 1])?.error == "States.Runtime")
  }

  @Test func nameAndText() throws {
    let function = try IntrinsicFunction("States.MathAdd(1, 2)")
    #expect(function.name == "States.MathAdd")
    #expect(function.text == "States.MathAdd(1, 2)")
    #expect(IntrinsicFunction.functionNames.count == 18)
  }

  // MARK: Format

  @Test func format() throws {
    #expect(try eval("States.Format('Hello, my name is {}.', $.name)", ["name": "Arnav"]) == "Hello, my name is Arnav.")
    #expect(try eval("States.Format($.template, $.name)", ["name": "Arnav", "template": "Hello, my name is {}."])
      == "Hello, my name is Arnav.")
    #expect(try eval("States.Format('{}|{}|{}|{}|{}', $.n, $.b, $.i, $.d, $.s)", ["n": nil, "b": false, "i": -1, "d": 3.5, "s": ""])
      == "null|false|-1|3.5|")
    #expect(try eval("States.Format('no placeholders')") == "no placeholders")
    #expect(try eval("States.Format('Name: \\'{}\\', Surname: \"{}\"', 'Gabriel', 'Moreira')") == "Name: 'Gabriel', Surname: \"Moreira\"")
    #expect(try eval("States.Format('\\{{}\\}', 1)") == "{1}")
    #expect(try eval("States.Format('arn:{}:{}', 'lambda', States.JsonToString($.obj))", ["obj": ["k": 1]]) == "arn:lambda:{\"k\":1}")
  }

  /// AWS prints objects and arrays the way Java prints maps and lists (format_2 case 7, context path case).
  @Test func formatPrintsObjectsLikeJava() throws {
    let input: JSONValue = ["o": ["Arg1": 1, "Arg2": []], "l": [1, "a", ["b": nil]]]
    #expect(try eval("States.Format('fst={} and snd={}.', $.o, $.o)", input) == "fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.")
    #expect(try eval("States.Format('{}', $.l)", input) == "[1, a, {b=null}]")
  }

  @Test func formatChecksItsArguments() throws {
    #expect(try invalid("States.Format('{} {}', 'x')"))
    #expect(try invalid("States.Format('{}', 'x', 'y')"))
    #expect(try invalid("States.Format($.t, 'x')", ["t": 123]))
    #expect(try invalid("States.Format('Hello {', 'x')"))
    #expect(try invalid("States.Format('Hello {{}}', 'x')"))
    #expect(try invalid("States.Format('}')"))
    #expect(try invalid("States.Format()"))
  }

  // MARK: JSON

  @Test func stringToJson() throws {
    #expect(try eval("States.StringToJson($.s)", ["s": "{\"foo\": \"bar\"}"]) == ["foo": "bar"])
    #expect(try eval("States.StringToJson($.s)", ["s": ""]) == nil)
    #expect(try eval("States.StringToJson($.s)", ["s": " "]) == nil)
    #expect(try eval("States.StringToJson($.s)", ["s": "null"]) == nil)
    #expect(try eval("States.StringToJson($.s)", ["s": "-0"]) == 0)
    #expect(try eval("States.StringToJson($.s)", ["s": "1.1"]) == 1.1)
    #expect(try eval("States.StringToJson($.s)", ["s": " {\"a\":1} "]) == ["a": 1])
    #expect(try invalid("States.StringToJson($.s)", ["s": "{bad json}"]))
    #expect(try invalid("States.StringToJson($.s)", ["s": "undefined"]))
    #expect(try invalid("States.StringToJson($.s)", ["s": 123]))
    #expect(try invalid("States.StringToJson('a', 'b')"))
  }

  @Test func jsonToString() throws {
    #expect(try eval("States.JsonToString($.o)", ["o": ["foo": "bar", "n": [1, 2.5, true, nil]]])
      == "{\"foo\":\"bar\",\"n\":[1,2.5,true,null]}")
    #expect(try eval("States.JsonToString($.o)", ["o": "HelloWorld"]) == "\"HelloWorld\"")
    #expect(try invalid("States.JsonToString()"))
  }

  @Test func jsonMerge() throws {
    let input: JSONValue = [
      "a": ["a": ["a1": 1, "a2": 2], "b": 2, "d": 3], "b": ["a": ["a3": 1, "a4": 2], "c": 3, "d": 4],
    ]
    let merged = try eval("States.JsonMerge($.a, $.b, false)", input)
    #expect(merged == ["a": ["a3": 1, "a4": 2], "b": 2, "c": 3, "d": 4])
    #expect(merged.objectValue.map { Array($0.keys) } == ["a", "b", "d", "c"])
    #expect(try eval("States.JsonMerge($.a, $.b, 'false')", ["a": ["x": 1], "b": ["y": 2]]) == ["x": 1, "y": 2])
    #expect(try invalid("States.JsonMerge($.a, $.b, true)", input))
    #expect(try invalid("States.JsonMerge($.a, $.b)", input))
    #expect(try invalid("States.JsonMerge($.a, 'x', false)", input))
    #expect(try invalid("States.JsonMerge(null, $.b, false)", input))
  }

  // MARK: Strings

  @Test func stringSplitBreaksOnEveryCharacterAndDropsEmptyPieces() throws {
    #expect(try eval("States.StringSplit('1,2,3,4,5', ',')") == ["1", "2", "3", "4", "5"])
    #expect(try eval("States.StringSplit('This.is+a,test=string', '.+,=')") == ["This", "is", "a", "test", "string"])
    #expect(try eval("States.StringSplit(', , ,', ',')") == [" ", " "])
    #expect(try eval("States.StringSplit('1a2b3ab4', 'ab')") == ["1", "2", "3", "4"])
    #expect(try eval("States.StringSplit(',a,,b,', ',')") == ["a", "b"])
    #expect(try eval("States.StringSplit('', ',')") == [])
    #expect(try eval("States.StringSplit('abc', '')") == ["abc"])
    #expect(try eval("States.StringSplit($.s, $.d)", ["s": "split on T and \nnew line", "d": "T\n"])
      == ["split on ", " and ", "new line"])
    #expect(try invalid("States.StringSplit($.s, ',')", ["s": 123]))
    #expect(try invalid("States.StringSplit('a,b', $.d)", ["d": [","]]))
    #expect(try invalid("States.StringSplit('a,b')"))
  }

  @Test func base64() throws {
    #expect(try eval("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU=")
    #expect(try eval("States.Base64Encode('')") == "")
    #expect(try eval("States.Base64Encode($.s)", ["s": "\u{1F680}"]) == "8J+agA==")
    #expect(try eval("States.Base64Encode($.s)", ["s": "abc\u{0}def"]) == "YWJjAGRlZg==")
    #expect(try eval("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode")
    #expect(try eval("States.Base64Decode('44GT44KT44Gr44Gh44Gv')") == "\u{3053}\u{3093}\u{306B}\u{3061}\u{306F}")
    #expect(try eval("States.Base64Decode(States.Base64Encode($.s))", ["s": "hello"]) == "hello")
  }

  /// AWS decodes what a strict decoder rejects: no padding, surrounding spaces, text after padding.
  @Test func base64DecodeIsLenient() throws {
    #expect(try eval("States.Base64Decode('YWJjZA')") == "abcd")
    #expect(try eval("States.Base64Decode(' YWJjZA== ')") == "abcd")
    #expect(try eval("States.Base64Decode($.s)", ["s": "YWJj\nZA=="]) == "abcd")
    #expect(try eval("States.Base64Decode('ab==cd')") == "i")
  }

  @Test func base64ChecksLengthAndType() throws {
    let long = String(repeating: "a", count: 10_000)
    #expect(try eval("States.Base64Encode($.s)", ["s": .string(long)]).stringValue?.count == 13_336)
    #expect(try invalid("States.Base64Encode($.s)", ["s": .string(long + "a")]))
    #expect(try invalid("States.Base64Decode($.s)", ["s": .string(String(repeating: "A", count: 10_001))]))
    #expect(try invalid("States.Base64Encode(123)"))
    #expect(try invalid("States.Base64Decode($.o)", ["o": [:]]))
    #expect(try invalid("States.Base64Decode('aGVsbG8=', 'extra')"))
  }

  @Test func hash() throws {
    #expect(try eval("States.Hash('input data', 'SHA-256')") == "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    #expect(try eval("States.Hash($.s, $.a)", ["s": "Data to encode", "a": "MD5"]) == "ca405671828a177e26947171bbe1e352")
    #expect(try eval("States.Hash(States.Format('{}:{}', 'x', 'y'), 'SHA-256')")
      == "1274e286686b54fe765ec40735665b4bf789cee2a5b22124c5e0491a88e15271")
    #expect(try eval("States.Hash(123, 'MD5')") == .string(HashAlgorithm.md5.hexDigest(Array("123".utf8))))
    for algorithm in ["sha-256", "SHA256", "MD-5", "SHA-257", "", "UNSUPPORTED"] {
      #expect(try invalid("States.Hash('data', '\(algorithm)')"), "\(algorithm)")
    }
    #expect(try invalid("States.Hash('hello', 123)"))
    #expect(try invalid("States.Hash('hello')"))
    #expect(try eval("States.Hash($.s, 'SHA-1')", ["s": .string(String(repeating: "a", count: 10_000))]).stringValue?.count == 40)
    #expect(try invalid("States.Hash($.s, 'SHA-1')", ["s": .string(String(repeating: "a", count: 10_001))]))
  }

  @Test func uuidIsVersion4Lowercase() throws {
    let uuid = try eval("States.UUID()").stringValue ?? ""
    #expect(uuid.count == 36)
    #expect(uuid == uuid.lowercased())
    #expect(Array(uuid)[14] == "4")
    #expect("89ab".contains(Array(uuid)[19]))
    #expect(try eval("States.UUID()") != eval("States.UUID()"))
    #expect(try invalid("States.UUID(1)"))
  }
}
