import FlowCore
import Foundation
import Testing

@testable import FlowDefinition

/// The resources the tests pretend are registered.
let testLoader = PipelineLoader(knownResources: ["flow:echo", "flow:exec", "flow:train"])

enum Fixtures {
  static var directory: URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
  }

  /// The file names in `Fixtures/<folder>`, sorted.
  static func names(in folder: String) -> [String] {
    let url = directory.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
  }

  static func path(_ folder: String, _ name: String) -> String {
    directory.appendingPathComponent(folder).appendingPathComponent(name).path
  }
}

/// Every diagnostic for `text`, read as the file `path`.
func diagnostics(_ text: String, path: String = "test.yaml") -> [Diagnostic] {
  testLoader.check(text: text, path: path)
}

/// The errors only.
func errors(_ text: String, path: String = "test.yaml") -> [Diagnostic] {
  diagnostics(text, path: path).filter(\.isError)
}

/// Loads `text`, recording the rendered diagnostics as the test's failure when it does not load.
func load(_ text: String, path: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Pipeline {
  do {
    return try testLoader.load(text: text, path: path)
  } catch {
    Issue.record("did not load:\n\(error)", sourceLocation: sourceLocation)
    throw error
  }
}

/// The state named `name` of a pipeline's top-level machine.
func state(_ name: String, in pipeline: Pipeline, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> FlowDefinition.State {
  try #require(pipeline.machine.states[name], sourceLocation: sourceLocation)
}

/// A pipeline with one state named `S` built from `fields` (YAML, indented by 4), followed by a Succeed state `Done`.
func singleState(_ fields: String) -> String {
  """
  StartAt: S
  States:
    S:
  \(fields.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
    Done:
      Type: Succeed
  """
}
