import FlowCore
import FlowDefinition
import FlowExecutor
import FlowSteps
import FlowTesting
import Foundation
import Testing

/// Every JSONata-mode States Language case of `Fixtures/conformance-jsonata` (results recorded from AWS), run in-process through the
/// executor `flow run` uses (on the in-memory store); a sample of them also through the binary exactly as
/// `flow run def.json --input-file input.json --json --store DB`.
@Suite struct JSONataConformanceTests {
  static let cases: [URL] = {
    let folder = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/conformance-jsonata")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
  }()

  @Test func thereAreAllTheCases() {
    #expect(Self.cases.count == 71)
  }

  @Test(arguments: cases)
  func matchesTheRecordedResult(_ file: URL) async throws {
    let testCase = try JSONValue(parsing: String(contentsOf: file, encoding: .utf8))
    let expect = testCase["expect"]!
    let loader = PipelineLoader(knownResources: Set(StepRegistry.builtIn.resources))
    let pipeline: Pipeline
    do {
      pipeline = try loader.load(text: testCase["definition"]!.serialized(), path: "def.json")
    } catch {
      #expect(expect["status"] == "INVALID_DEFINITION", "rejected: \(error)")
      return
    }
    var options = ExecutorOptions(artifactsRoot: FileManager.default.temporaryDirectory.appendingPathComponent("flow-conformance"))
    options.logger.logLevel = .critical
    let executor = Executor(store: InMemoryStore(), steps: .builtIn, loader: loader, options: options)
    let record = try executor.start(pipeline, input: testCase["input"] ?? .emptyObject)
    let got = try await executor.run(record.id, pipeline: pipeline)
    #expect(got.status.rawValue == expect["status"]?.stringValue)
    if expect["status"] == "SUCCEEDED" {
      #expect(got.output == expect["output"])
    } else {
      #expect(got.error.map(JSONValue.string) ?? .null == expect["error"] ?? .null)
      if let cause = expect["cause"] { #expect(got.cause.map(JSONValue.string) ?? .null == cause) }
    }
  }

  /// Every 7th case through the binary, so the CLI's own reading and printing stay covered.
  @Test(arguments: cases.enumerated().filter { $0.offset % 7 == 0 || $0.element.lastPathComponent.hasPrefix("validation") }.map(\.element))
  func throughTheBinary(_ file: URL) throws {
    let testCase = try JSONValue(parsing: String(contentsOf: file, encoding: .utf8))
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try directory.write(testCase["definition"]!.serialized(), to: "def.json")
    try directory.write((testCase["input"] ?? .emptyObject).serialized(), to: "input.json")
    let result = try FlowBinary.run(["run", "def.json", "--input-file", "input.json", "--json", "--store", "flow.db"], in: directory)
    let expect = testCase["expect"]!
    if expect["status"] == "INVALID_DEFINITION" {
      #expect(result.status != 0)
      #expect(result.json?["status"] == nil)
      return
    }
    let got = try #require(result.json, "no JSON result; stderr: \(result.stderr.suffix(300))")
    #expect(got["status"] == expect["status"])
    if expect["status"] == "SUCCEEDED" {
      #expect(got["output"] == expect["output"])
      #expect(result.status == 0)
    } else {
      #expect(got["error"] == expect["error"])
      if let cause = expect["cause"] { #expect(got["cause"] == cause) }
      #expect(result.status == 1)
    }
  }
}
