import FlowCore
import FlowDefinition
import FlowExecutor
import FlowSteps
import FlowTesting
import Foundation
import Testing

/// The States Language cases whose results AWS recorded: the 228 JSONPath cases of `Fixtures/conformance` and the
/// 71 JSONata cases of `Fixtures/conformance-jsonata`. Each runs in-process through the executor `flow run` uses (on
/// the in-memory store); a sample also runs through the binary exactly as
/// `flow run def.json --input-file input.json --json --store DB`.
@Suite struct ConformanceTests {
  static func cases(in folder: String) -> [URL] {
    let url = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/\(folder)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { url.appendingPathComponent($0) }
  }

  static let jsonPath = cases(in: "conformance")
  static let jsonata = cases(in: "conformance-jsonata")

  @Test func thereAreAllTheCases() {
    #expect(Self.jsonPath.count == 228)
    #expect(Self.jsonata.count == 71)
  }

  @Test(arguments: jsonPath + jsonata)
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
    #expect(expect["status"] != "INVALID_DEFINITION", "AWS rejected this definition")
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

  /// Every 19th JSONPath case, every 7th JSONata case and the rejected definitions through the binary, so the CLI's
  /// own reading and printing stay covered.
  @Test(arguments: jsonPath.enumerated().filter { $0.offset % 19 == 0 }.map(\.element)
    + jsonata.enumerated().filter { $0.offset % 7 == 0 || $0.element.lastPathComponent.hasPrefix("validation") }.map(\.element))
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
