import FlowCore
import Testing

@testable import FlowDefinition

@Suite struct YAMLReaderTests {
  private func read(_ text: String) -> (LocatedNode?, [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    let node = YAMLReader(path: "t.yaml").read(text, into: &diagnostics)
    return (node, diagnostics)
  }

  @Test(arguments: [
    ("a: null", JSONValue.null), ("a: ~", .null), ("a:", .null), ("a: true", .bool(true)), ("a: False", .bool(false)),
    ("a: 42", .int(42)), ("a: -7", .int(-7)), ("a: 0x1F", .int(31)), ("a: 0o17", .int(15)), ("a: 1.5", .double(1.5)),
    ("a: 1e3", .double(1000)), ("a: .5", .double(0.5)), ("a: yes", .string("yes")), ("a: off", .string("off")),
    ("a: '42'", .string("42")), ("a: \"true\"", .string("true")), ("a: !!str 3", .string("3")), ("a: !!float 3", .double(3)),
    ("a: 2025-01-31", .string("2025-01-31")), ("a: $.x", .string("$.x")), ("a: |\n  line\n", .string("line\n")),
  ])
  func resolvesScalarsWithTheCoreSchema(_ text: String, _ expected: JSONValue) throws {
    let (node, diagnostics) = read(text)
    #expect(diagnostics.isEmpty)
    #expect(try #require(node).json == ["a": expected])
    #expect(try #require(node)["a"]?.json.typeName == expected.typeName)
  }

  @Test func keepsLineAndColumnOfEveryNodeAndKey() throws {
    let (node, _) = read("top:\n  list:\n    - one\n    - {k: v}\n")
    let root = try #require(node)
    #expect(root.location(at: "top", "list", 0) == SourceLocation(file: "t.yaml", line: 3, column: 7))
    #expect(root.location(at: "top", "list", 1, "k") == SourceLocation(file: "t.yaml", line: 4, column: 11))
    #expect(root["top"]?.keyLocation("list") == SourceLocation(file: "t.yaml", line: 2, column: 3))
  }

  @Test func reportsADuplicateKeyAtItsSecondOccurrence() {
    let (node, diagnostics) = read("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    #expect(node == nil)
    #expect(diagnostics.map(\.code) == [.duplicateKey])
    #expect(diagnostics.first?.location?.line == 5 && diagnostics.first?.location?.column == 3)
  }

  @Test func reportsADuplicateKeyInAFlowMapping() {
    let (_, diagnostics) = read("a: {x: 1, y: {x: 2}, x: 3}\n")
    #expect(diagnostics.first?.code == .duplicateKey)
    #expect(diagnostics.first?.location?.column == 22)
  }

  @Test func expandsAliasesAndMergeKeysWithExplicitKeysWinning() throws {
    let (node, diagnostics) = read("""
      base: &base {a: 1, b: 2}
      copy: *base
      merged:
        <<: *base
        b: 3
      """)
    #expect(diagnostics.isEmpty)
    let root = try #require(node).json
    #expect(root["copy"] == ["a": 1, "b": 2])
    #expect(root["merged"] == ["b": 3, "a": 1])
  }

  @Test func rejectsNonStringKeysUnsupportedTagsAndInfinity() {
    let (_, keys) = read("1: a\n")
    #expect(keys.map(\.code) == [.invalidKey])
    let (_, tags) = read("a: !Ref x\n")
    #expect(tags.map(\.code) == [.unsupportedTag])
    let (_, infinity) = read("a: .inf\n")
    #expect(infinity.map(\.code) == [.invalidValue])
    let (_, badInt) = read("a: !!int abc\n")
    #expect(badInt.map(\.code) == [.wrongType])
  }

  @Test func reportsSyntaxErrorsAndEmptyFiles() {
    #expect(read("a: [1, 2\n").1.map(\.code) == [.syntaxError])
    #expect(read("").1.map(\.code) == [.syntaxError])
    #expect(read("a: 1\n---\nb: 2\n").1.map(\.code) == [.syntaxError])
  }
}

@Suite struct JSONReaderTests {
  private func read(_ text: String) -> (LocatedNode?, [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    let node = JSONReader(path: "t.json").read(text, into: &diagnostics)
    return (node, diagnostics)
  }

  @Test func readsJSONWithPositions() throws {
    let (node, diagnostics) = read("{\n  \"a\": [1, 2.0, \"x\\/y\\u00e9\"],\n  \"b\": {\"c\": null}\n}")
    #expect(diagnostics.isEmpty)
    let root = try #require(node)
    #expect(root.json == ["a": [1, 2.0, "x/yé"], "b": ["c": nil]])
    #expect(root.location(at: "a", 2) == SourceLocation(file: "t.json", line: 2, column: 17))
    #expect(root.keyLocation("b") == SourceLocation(file: "t.json", line: 3, column: 3))
    guard case .double = root["a"]?.items?[1].value else { Issue.record("2.0 should stay a double"); return }
  }

  @Test func reportsEveryDuplicateKey() {
    let (node, diagnostics) = read(#"{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}"#)
    #expect(node == nil)
    #expect(diagnostics.map(\.code) == [.duplicateKey, .duplicateKey])
    #expect(diagnostics.map { $0.location?.column } == [24, 33])
  }

  @Test(arguments: ["{\"a\": 1,}", "{\"a\" 1}", "[1, 2", "{'a': 1}", "{\"a\": 01}", "{\"a\": \"\u{1}\"}", "{} x", ""])
  func reportsSyntaxErrors(_ text: String) {
    #expect(read(text).1.map(\.code) == [.syntaxError])
  }
}
