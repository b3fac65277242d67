import FlowCore
import FlowExpressions
import Foundation
import Testing

@testable import FlowDefinition

/// The shared States Language conformance cases (`shared/conformance/cases`, beside the repository), when present.
enum ConformanceCases {
  static var directory: URL? {
    if let dir = ProcessInfo.processInfo.environment["FLOW_CONFORMANCE_CASES"] { return URL(fileURLWithPath: dir) }
    // Tests/FlowDefinitionTests/<file> → repository → its parent, where `shared/` lives.
    let candidate = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance/cases")
    return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
  }

  static func names(prefix: String = "") -> [String] {
    guard let directory else { return [] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
  }

  static func load(_ name: String) throws -> JSONValue {
    let data = try Data(contentsOf: directory!.appendingPathComponent(name))
    return try JSONValue(parsing: String(decoding: data, as: UTF8.self))
  }
}

@Suite(.enabled(if: ConformanceCases.directory != nil, "shared/conformance/cases not found"))
struct ConformanceDefinitionTests {
  @Test(arguments: ConformanceCases.names())
  func definitionLoadsWithoutDiagnostics(_ name: String) throws {
    let definition = try #require(try ConformanceCases.load(name)["definition"])
    let found = testLoader.check(text: definition.serialized(pretty: true), path: "def.json")
    #expect(found.isEmpty, "\(found.map(\.rendered).joined(separator: "\n"))")
  }

  /// Choice cases built from the single-Choice template: evaluating the rules picks the state whose `Result` is the expected output.
  @Test(arguments: ConformanceCases.names(prefix: "choice__"))
  func choiceRulesPickTheExpectedState(_ name: String) throws {
    let testCase = try ConformanceCases.load(name)
    let pipeline = try testLoader.load(document: try #require(testCase["definition"]), path: "def.json")
    let start = try #require(pipeline.machine.states[pipeline.machine.startAt])
    guard case .choice(let choice) = start.kind, start.inputPath == .path(nil) else { return }
    let input = testCase["input"] ?? .emptyObject
    let expect = try #require(testCase["expect"])
    var chosen: String?
    do throws(ExpressionError) {
      chosen = choice.defaultNext
      for rule in choice.choices where try rule.condition.evaluate(in: EvaluationScope(input: input)) {
        chosen = rule.next
        break
      }
    } catch {
      #expect(expect["status"] == "FAILED" && expect["error"] == .string(error.error))
      return
    }
    let chosenName = try #require(chosen)
    let target = try #require(pipeline.machine.states[chosenName])
    // Only cases whose targets are plain Pass states with a Result can be checked without an executor.
    guard case .pass(let pass) = target.kind, let result = pass.result, target.transition == .end else { return }
    #expect(expect["status"] == "SUCCEEDED")
    #expect(expect["output"] == result, "chose \(chosen ?? "nothing")")
  }
}
