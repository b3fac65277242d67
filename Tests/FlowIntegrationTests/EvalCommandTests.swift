import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow eval`: the evaluator contract of /work/shared/jsonata (one JSON object on stdout, exit 0 unless misused).
@Suite struct EvalCommandTests {
  let directory = FileManager.default.temporaryDirectory

  @Test func printsResult() throws {
    let run = try FlowBinary.run(["eval", "--jsonata-expr", "a.b * 2", "--input", #"{"a": {"b": 21}}"#], in: directory)
    #expect(run.status == 0)
    #expect(run.json == ["result": 42])
    #expect(run.stdout.contains(#"{"result":42}"#))
  }

  @Test func printsUndefined() throws {
    let run = try FlowBinary.run(["eval", "--jsonata-expr", "missing", "--input", "{}"], in: directory)
    #expect(run.status == 0)
    #expect(run.json == ["undefined": true])
  }

  @Test func printsErrorWithCode() throws {
    let run = try FlowBinary.run(["eval", "--jsonata-expr", #"1 + "a""#], in: directory)
    #expect(run.status == 0)
    guard case .object(let o)? = run.json, case .object(let e)? = o["error"] else {
      Issue.record("no error object in \(run.stdout)")
      return
    }
    #expect(e["code"] == "T2002")
  }

  @Test func readsFilesAndBindings() throws {
    let dir = directory.appendingPathComponent("flow-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "$x + $count(items)".write(to: dir.appendingPathComponent("e.jsonata"), atomically: true, encoding: .utf8)
    try #"{"items": [1, 2, 3]}"#.write(to: dir.appendingPathComponent("in.json"), atomically: true, encoding: .utf8)
    try #"{"x": 10}"#.write(to: dir.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
    let run = try FlowBinary.run(["eval", "--jsonata", "e.jsonata", "--input-file", "in.json", "--bindings-file", "b.json"], in: dir)
    #expect(run.status == 0)
    #expect(run.json == ["result": 13])
  }

  @Test func evaluatesJSONPath() throws {
    let run = try FlowBinary.run(["eval", "--jsonpath", "$.a[1]", "--input", #"{"a": [5, 6]}"#], in: directory)
    #expect(run.status == 0)
    #expect(run.json == ["result": 6])
  }

  @Test func misuseExitsNonZero() throws {
    #expect(try FlowBinary.run(["eval", "--jsonata-expr", "1", "--input", "{not json"], in: directory).status != 0)
    #expect(try FlowBinary.run(["eval", "--jsonata", "/nonexistent/file"], in: directory).status != 0)
    #expect(try FlowBinary.run(["eval", "--bogus"], in: directory).status != 0)
  }
}
