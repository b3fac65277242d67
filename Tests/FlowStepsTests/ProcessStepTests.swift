import FlowCore
import FlowSteps
import Foundation
import Testing

@Suite struct ProcessStepTests {
  @Test func splitsStratified_andStoresContentAddressedArtifactsWithLineage() async throws {
    let workspace = try StepWorkspace()
    let file = try workspace.writeBlobs("blobs.csv", rows: 300)
    let output = try await workspace.process(file)

    #expect(output["rows"] == 300)
    #expect(output.at("train.rows") == 180)
    #expect(output.at("validation.rows") == 60)
    #expect(output.at("test.rows") == 60)
    #expect(output["classes"] == ["a", "b", "c"])
    let trainPath = try #require(output.at("train.path")?.stringValue)
    let trainHash = try #require(output.at("train.sha256")?.stringValue)
    #expect(trainPath.hasSuffix("/artifacts/sha256/\(trainHash.prefix(2))/\(trainHash).csv"))
    // Stratified: each class keeps its share (a third) in the test split.
    let test = try String(contentsOfFile: try #require(output.at("test.path")?.stringValue), encoding: .utf8)
    #expect(test.split(separator: "\n").filter { $0.hasSuffix(",a") }.count == 20)

    let lineage = try workspace.store.artifacts(producedBy: "exec-1")
    #expect(Set(lineage.map(\.kind)) == ["dataset:train", "dataset:validation", "dataset:test", "baseline", "preprocessing"])
    #expect(lineage.first { $0.kind == "dataset:train" }?.inputs == [output["datasetHash"]?.stringValue ?? ""])
    #expect(lineage.first { $0.kind == "baseline" }?.inputs == [trainHash])
  }

  @Test func rerunGivesTheSameArtifacts() async throws {
    let workspace = try StepWorkspace()
    let file = try workspace.writeBlobs("blobs.csv")
    let first = try await workspace.process(file)
    let second = try await workspace.process(file)
    #expect(first == second)
    #expect(try workspace.store.artifacts(producedBy: "exec-1").count == 5)
  }

  @Test func schemaViolation_namesFileLineAndColumn() async throws {
    let workspace = try StepWorkspace()
    let file = workspace.path("bad.csv")
    try "x1,x2,label\n1,2,a\n3,oops,b\n4,5,a\n6,7,b\n".write(toFile: file, atomically: true, encoding: .utf8)
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:process", ["Source": .string(file), "Target": "label",
                                               "Schema": ["Columns": ["x*": "numeric", "label": "categorical"]]])
    }
    #expect(failure?.error == "Process.InvalidSchema")
    #expect(failure?.cause.contains("bad.csv:3") == true)
    #expect(failure?.cause.contains("'x2'") == true)
  }

  @Test func unknownParameter_suggestsTheClosestName() async throws {
    let workspace = try StepWorkspace()
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:process", ["Source": "x.csv", "Target": "y", "TestFracton": 0.2])
    }
    #expect(failure?.error == "Process.InvalidParameters")
    #expect(failure?.cause.contains("did you mean 'TestFraction'?") == true)
  }

  @Test func missingFile_isNamed() async throws {
    let workspace = try StepWorkspace()
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:process", ["Source": "nowhere.csv", "Target": "y"])
    }
    #expect(failure?.error == "Process.FileNotFound")
  }
}
