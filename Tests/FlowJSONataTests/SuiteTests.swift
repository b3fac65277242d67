import FlowCore
import FlowJSONata
import Foundation
import Testing

/// Runs every case of the jsonata-js test suite (Fixtures/jsonata-suite) in-process, with check_suite.py's rules.
@Suite struct SuiteTests {
  struct Case {
    var id: String
    var json: JSONValue
    var expression: String
  }

  static let root: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/jsonata-suite")

  static func loadCases() throws -> [Case] {
    let groups = root.appendingPathComponent("groups")
    let fm = FileManager.default
    var cases: [Case] = []
    for group in try fm.contentsOfDirectory(atPath: groups.path).sorted() {
      let dir = groups.appendingPathComponent(group)
      for file in try fm.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".json") {
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        let spec = try JSONValue(parsing: text)
        let stem = String(file.dropLast(5))
        let items: [JSONValue]
        var isList = false
        if case .array(let list) = spec { items = list; isList = true } else { items = [spec] }
        for (i, item) in items.enumerated() {
          guard case .object(let o) = item else { continue }
          var id = isList ? "\(group)/\(stem)#\(i)" : "\(group)/\(stem)"
          if case .string(let given)? = o["id"] { id = given }
          var expression = ""
          if case .string(let e)? = o["expr"] { expression = e }
          if case .string(let f)? = o["expr-file"] {
            expression = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
          }
          cases.append(Case(id: id, json: item, expression: expression))
        }
      }
    }
    return cases
  }

  static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.bool(let x), .bool(let y)): return x == y
    case (.bool, _), (_, .bool): return false
    case _ where a.isNumber && b.isNumber:
      let x = a.doubleValue!, y = b.doubleValue!
      return x == y || abs(x - y) <= max(1e-9 * max(abs(x), abs(y)), 1e-12)
    case (.object(let x), .object(let y)):
      return Set(x.keys) == Set(y.keys) && x.allSatisfy { same($0.value, y[$0.key]!) }
    case (.array(let x), .array(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    default: return a == b
    }
  }

  static func sameUnordered(_ expected: JSONValue, _ got: JSONValue) -> Bool {
    guard case .array(let e) = expected, case .array(var g) = got, e.count == g.count else { return same(expected, got) }
    for item in e {
      guard let i = g.firstIndex(where: { same(item, $0) }) else { return false }
      g.remove(at: i)
    }
    return true
  }

  /// Runs one case; returns nil when it passed, else why it failed.
  static func run(_ c: Case) -> String? {
    guard case .object(let spec) = c.json else { return "not an object" }
    var input: JSONValue?
    if let data = spec["data"] {
      input = data
    } else if case .string(let name)? = spec["dataset"] {
      let url = root.appendingPathComponent("datasets/\(name).json")
      input = (try? String(contentsOf: url, encoding: .utf8)).flatMap { try? JSONValue(parsing: $0) }
    }
    var bindings: [String: JSONValue] = [:]
    if case .object(let b)? = spec["bindings"] { for (k, v) in b { bindings[k] = v } }
    let outcome: Result<JSONValue?, JSONataError> = Result { () throws(JSONataError) -> JSONValue? in
      try JSONataExpression(c.expression).evaluate(input, bindings: bindings)
    }
    switch outcome {
    case .success(let value):
      if let want = spec["result"] {
        guard let value else { return "expected \(want.serialized()), got undefined" }
        let ok = spec["unordered"] == .bool(true) ? sameUnordered(want, value) : same(want, value)
        return ok ? nil : "expected \(want.serialized()), got \(value.serialized())"
      }
      if spec["undefinedResult"] != nil { return value == nil ? nil : "expected undefined, got \(value!.serialized())" }
      return "expected an error, got \(value?.serialized() ?? "undefined")"
    case .failure(let error):
      if case .string(let code)? = spec["code"] { return code == error.code.rawValue ? nil : "expected \(code), got \(error)" }
      if case .object(let e)? = spec["error"] {
        guard e["code"] == .string(error.code.rawValue) else { return "expected \(e["code"]!.serialized()), got \(error)" }
        if case .string(let message)? = e["message"], message != error.message { return "expected message \(message), got \(error.message)" }
        return nil
      }
      return "unexpected error \(error)"
    }
  }

  @Test func everyCasePasses() throws {
    let cases = try SuiteTests.loadCases()
    #expect(cases.count == 1175)
    var failures: [String] = []
    for c in cases {
      if let why = SuiteTests.run(c) { failures.append("\(c.id): \(why)") }
    }
    #expect(failures.isEmpty, "\(failures.count) of \(cases.count) cases failed:\n\(failures.joined(separator: "\n"))")
  }
}
