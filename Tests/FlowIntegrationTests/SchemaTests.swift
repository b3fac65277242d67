import FlowTesting
import Foundation
import Testing

let schemaValidatorAvailable: Bool = {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", "import jsonschema, yaml"]
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return false }
  process.waitUntilExit()
  return process.terminationStatus == 0
}()

/// `schemas/pipeline.schema.json` checked with a real JSON Schema validator (python's jsonschema, through
/// `scripts/check-schema.py`): every shipped pipeline and valid fixture passes; invalid fixtures that break the
/// file format are rejected by the schema as well as by `flow validate`.
@Suite(.enabled(if: schemaValidatorAvailable, "python3 with jsonschema and PyYAML is needed"))
struct SchemaTests {
  /// Invalid fixtures whose problem is one of format (structure, types, unknown fields), which a schema can see.
  static let rejectedBySchema = [
    "choice-without-rules.yaml", "duplicate-key.json", "duplicate-key.yaml", "interval-seconds-not-integer.yaml",
    "invalid-variable-name-in-assign.yaml", "map-tolerated-percentage-over-100.yaml",
    "missing-next-and-end.yaml", "nested-choice-rule-with-next.yaml", "next-and-end-together.yaml", "non-string-key.yaml",
    "result-on-task.yaml", "result-path-not-reference-path.yaml", "result-writer-not-supported.yaml",
    "retry-backoff-below-one.yaml", "unknown-field-in-flow-block.yaml", "unknown-field-typo.yaml",
    "unknown-state-type.yaml", "unsupported-yaml-tag.yaml", "wait-with-two-durations.yaml", "yaml-syntax-error.yaml",
  ]

  func checkSchema(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "scripts/check-schema.py"] + arguments
    process.currentDirectoryURL = FlowBinary.packageRoot
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
  }

  @Test func everyPipelineAndValidFixturePassesTheSchema() throws {
    let valid = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowDefinitionTests/Fixtures/valid")
    let files = try FileManager.default.contentsOfDirectory(atPath: valid.path).map { valid.appendingPathComponent($0).path }
    let pipelines = FlowBinary.packageRoot.appendingPathComponent("pipelines")
    let shipped = try FileManager.default.contentsOfDirectory(atPath: pipelines.path)
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.map { pipelines.appendingPathComponent($0).path }
    #expect(!shipped.isEmpty)
    let (status, output) = try checkSchema(files + shipped)
    #expect(status == 0, "\(output)")
  }

  @Test(arguments: rejectedBySchema)
  func formatErrorsAreRejectedByTheSchemaAndByValidate(_ name: String) throws {
    let path = "Tests/FlowDefinitionTests/Fixtures/invalid/\(name)"
    let (status, output) = try checkSchema(["--expect-invalid", path])
    #expect(status == 0, "the schema accepted \(name): \(output)")
    let validate = try FlowBinary.run(["validate", path], in: FlowBinary.packageRoot)
    #expect(validate.status == 64)
  }
}
