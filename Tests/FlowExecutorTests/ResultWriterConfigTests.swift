import FlowCore
import FlowDefinition
@testable import FlowExecutor
import FlowTesting
import Foundation
import Testing

/// `ResultWriter.WriterConfig` (AWS's `Transformation` NONE | COMPACT | FLATTEN and `OutputType` JSON | JSONL) for
/// the artifact-store ResultWriter: checked where it is written, then applied to the result files or — with
/// `WriterConfig` alone — to the Map's output.
@Suite struct ResultWriterConfigTests {
  /// A DISTRIBUTED Map whose children output `[v, v]` (an array, so FLATTEN shows), failing for item 2 (tolerated).
  static func pipeline(writer: String) -> String {
    """
    StartAt: M
    States:
      M:
        Type: Map
        ItemsPath: $.items
        ToleratedFailureCount: 1
        ResultWriter: \(writer)
        ItemProcessor:
          ProcessorConfig: {Mode: DISTRIBUTED, ExecutionType: STANDARD}
          StartAt: Check
          States:
            Check: {Type: Choice, Choices: [{Variable: $.v, NumericEquals: 2, Next: Boom}], Default: Pair}
            Boom: {Type: Fail, Error: Item.Bad, Cause: two}
            Pair: {Type: Pass, Parameters: {"pair.$": "States.Array($.v, $.v)"}, OutputPath: $.pair, End: true}
        ItemSelector: {"v.$": $$.Map.Item.Value}
        ResultPath: $.results
        End: true
    """
  }

  static func diagnostics(_ yaml: String) -> String {
    do {
      _ = try PipelineLoader(knownResources: []).load(text: yaml, path: "t.yaml")
      return ""
    } catch { return "\(error)" }
  }

  @Test func aWriterConfigIsReadWithAWSsDefaults() throws {
    let load = { (writer: String) throws -> ResultWriter? in
      let pipeline = try PipelineLoader(knownResources: []).load(text: Self.pipeline(writer: writer), path: "t.yaml")
      guard case .map(let map) = pipeline.machine.states["M"]?.kind else { return nil }
      return map.resultWriter
    }
    #expect(try load(#"{Resource: "flow:artifacts"}"#) == ResultWriter(exports: true, prefix: "", transformation: ResultWriter.Transformation.none, outputType: .json))
    #expect(try load(#"{WriterConfig: {OutputType: JSON}}"#) == ResultWriter(exports: false, prefix: "", transformation: .compact, outputType: .json))
    #expect(try load(#"{Resource: "flow:artifacts", Parameters: {Prefix: p}, WriterConfig: {Transformation: FLATTEN, OutputType: JSONL}}"#)
            == ResultWriter(exports: true, prefix: "p", transformation: .flatten, outputType: .jsonl))
  }

  /// Each problem is reported at the value (or key) that is wrong: line 7 is the `ResultWriter` line.
  @Test(arguments: [
    (#"{Resource: "flow:artifacts", WriterConfig: {Transformation: SQUASH}}"#, "t.yaml:7:79:", "'Transformation' must be NONE or COMPACT or FLATTEN"),
    (#"{Resource: "flow:artifacts", WriterConfig: {OutputType: CSV}}"#, "t.yaml:7:75:", "'OutputType' must be JSON or JSONL"),
    (#"{Resource: "flow:artifacts", WriterConfig: {Compression: GZIP}}"#, "t.yaml:7:63:", "unknown field 'Compression' in 'WriterConfig'"),
    (#"{WriterConfig: {OutputType: JSONL}}"#, "t.yaml:7:47:", "'OutputType: JSONL' formats result files"),
    (#"{WriterConfig: {Transformation: NONE}, Parameters: {Prefix: p}}"#, "t.yaml:7:58:", "'Parameters' but no 'Resource'"),
    (#"{WriterConfig: COMPACT}"#, "t.yaml:7:34:", "'WriterConfig' must be an object"),
    ("{}", "t.yaml:7:19:", "'ResultWriter' has no 'Resource'"),
  ])
  func aBadWriterConfigIsRejected_atItsPlace(writer: String, location: String, message: String) {
    let text = Self.diagnostics(Self.pipeline(writer: writer))
    #expect(text.contains(location) && text.contains(message), "\(text)")
  }

  /// Reads a result file: a JSON array, or JSON Lines.
  static func entries(_ path: String) throws -> [JSONValue] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    if path.hasSuffix(".jsonl") { return try text.split(separator: "\n").map { try JSONValue(parsing: String($0)) } }
    return try JSONValue(parsing: text).arrayValue ?? []
  }

  @Test(arguments: [
    ("NONE", "JSON"), ("COMPACT", "JSON"), ("FLATTEN", "JSON"), ("NONE", "JSONL"), ("COMPACT", "JSONL"), ("FLATTEN", "JSONL"),
  ])
  func theResultFilesAreTransformedAndFormatted(transformation: String, outputType: String) async throws {
    let h = try Harness()
    let writer = #"{Resource: "flow:artifacts", Parameters: {Prefix: out}, WriterConfig: {Transformation: \#(transformation), OutputType: \#(outputType)}}"#
    let done = try await h.run(Self.pipeline(writer: writer), input: ["items": [1, 2, 3]])
    #expect(done.status == .succeeded)
    let bucket = try #require(done.output?["results"]?["ResultWriterDetails"]?["Bucket"]?.stringValue)
    let key = try #require(done.output?["results"]?["ResultWriterDetails"]?["Key"]?.stringValue)
    let manifest = try JSONValue(parsing: String(contentsOfFile: bucket + "/" + key, encoding: .utf8))
    let ext = outputType == "JSONL" ? "jsonl" : "json"
    let succeededKey = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?.arrayValue?.first?["Key"]?.stringValue)
    let failedKey = try #require(manifest["ResultFiles"]?["FAILED"]?.arrayValue?.first?["Key"]?.stringValue)
    #expect(succeededKey.hasSuffix("/SUCCEEDED_0.\(ext)") && failedKey.hasSuffix("/FAILED_0.\(ext)"))
    let succeeded = try Self.entries(bucket + "/" + succeededKey), failed = try Self.entries(bucket + "/" + failedKey)
    switch transformation {
    case "NONE": #expect(succeeded.map { $0["Output"] } == ["[1,1]", "[3,3]"])
    case "COMPACT": #expect(succeeded == [[1, 1], [3, 3]])
    default: #expect(succeeded == [1, 1, 3, 3])
    }
    // A failed child keeps its metadata whatever the transformation (AWS's rule), so its error is not lost.
    #expect(failed.count == 1 && failed.first?["Error"] == "Item.Bad" && failed.first?["Status"] == "FAILED")
    if outputType == "JSONL" {
      let text = try String(contentsOfFile: bucket + "/" + succeededKey, encoding: .utf8)
      #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == succeeded.count)
    }
  }

  @Test func aWriterConfigAlone_formatsTheMapsOutput_andWritesNoFile() async throws {
    let h = try Harness()
    let compact = try await h.run(Self.pipeline(writer: "{WriterConfig: {Transformation: COMPACT}}"), input: ["items": [1, 2, 3]])
    #expect(compact.status == .succeeded)
    let results = try #require(compact.output?["results"]?.arrayValue)
    #expect(results.count == 3 && results[0] == [1, 1] && results[2] == [3, 3])
    #expect(results[1]["Error"] == "Item.Bad" && results[1]["Status"] == "FAILED")
    let flat = try await h.run(Self.pipeline(writer: "{WriterConfig: {Transformation: FLATTEN, OutputType: JSON}}"), input: ["items": [1, 3]])
    #expect(flat.output?["results"] == [1, 1, 3, 3])
    let none = try await h.run(Self.pipeline(writer: "{WriterConfig: {Transformation: NONE}}"), input: ["items": [1]])
    let entry = none.output?["results"]?.arrayValue?.first
    #expect(entry?["Output"] == "[1,1]" && entry?["Status"] == "SUCCEEDED")
    #expect(!FileManager.default.fileExists(atPath: h.directory.appendingPathComponent("artifacts").path))
  }
}
