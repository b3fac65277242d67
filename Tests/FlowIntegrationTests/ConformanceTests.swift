import FlowCore
import Foundation
import Testing

/// Every States Language case of `Fixtures/conformance` (results recorded from AWS), run through the CLI exactly as
/// `flow run def.json --input-file input.json --json --store DB`.
@Suite struct ConformanceTests {
  static let cases: [URL] = {
    let folder = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/conformance")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
  }()

  @Test func thereAreAllTheCases() {
    #expect(Self.cases.count == 228)
  }

  @Test(arguments: cases)
  func matchesTheRecordedResult(_ file: URL) throws {
    let testCase = try JSONValue(parsing: String(contentsOf: file, encoding: .utf8))
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try directory.write(testCase["definition"]!.serialized(), to: "def.json")
    try directory.write((testCase["input"] ?? .emptyObject).serialized(), to: "input.json")
    let result = try FlowBinary.run(["run", "def.json", "--input-file", "input.json", "--json", "--store", "flow.db"], in: directory)
    let got = try #require(result.json, "no JSON result; stderr: \(result.stderr.suffix(300))")
    let expect = testCase["expect"]!
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
