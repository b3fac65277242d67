import FlowCore
import FlowSteps
import Foundation
import Testing

@Suite struct MonitorStepTests {
  /// Writes captured requests as `flow serve` does: JSON Lines with `"features": [[…]]`.
  func capture(_ workspace: StepWorkspace, endpoint: String, shift: Double) throws {
    let csv = try workspace.writeBlobs("capture-source.csv", rows: 90, seed: 5, shift: shift, withTarget: false)
    let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
    let lines = rows.map { "{\"features\": [[\($0)]], \"predictions\": [\"a\"]}" }
    let directory = workspace.environment.captureDirectory.appendingPathComponent(endpoint)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("0001.jsonl"), atomically: true, encoding: .utf8)
  }

  @Test func shiftedData_isDrift_andTheSameDistributionIsNot() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv", rows: 300))
    let same = try workspace.writeBlobs("same.csv", rows: 150, seed: 7)
    let shifted = try workspace.writeBlobs("shifted.csv", rows: 150, seed: 7, shift: 2.5)

    let calm = try await workspace.run("flow:monitor", ["Baseline": dataset["baseline"]!, "DataPath": .string(same)], state: "Monitor")
    #expect(calm["detected"] == false)
    let drift = try await workspace.run("flow:monitor", ["Baseline": dataset["baseline"]!, "DataPath": .string(shifted)], state: "Monitor")
    #expect(drift["detected"] == true)
    #expect(drift["driftedFeatures"] == 4)
    #expect((drift["maxPSI"]?.doubleValue ?? 0) > 0.2)
  }

  @Test func readsCapturedRequests_andFindsTheBaselineThroughTheRegistry() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv", rows: 300))
    let model = try await workspace.run("flow:train", ["Dataset": dataset, "Algorithm": "logistic_regression"], state: "Train")
    _ = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": model, "ApprovalStatus": "Approved"], state: "Register")
    _ = try await workspace.run("flow:deploy", ["EndpointName": "blobs", "ModelName": "blobs", "Version": 1], state: "Deploy")
    try capture(workspace, endpoint: "blobs", shift: 3)

    let drift = try await workspace.run("flow:monitor", ["EndpointName": "blobs"], state: "Monitor", execution: "exec-monitor")
    #expect(drift["rows"] == 90)
    #expect(drift["detected"] == true)
  }

  @Test func tooFewRows_giveNoVerdict() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let few = try workspace.writeBlobs("few.csv", rows: 10, seed: 3, shift: 5)
    let result = try await workspace.run("flow:monitor", ["Baseline": dataset["baseline"]!, "DataPath": .string(few)])
    #expect(result["detected"] == false)
    #expect(result["reason"]?.stringValue?.contains("MinRows") == true)
  }

  @Test func noCapture_isNoData() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:monitor", ["Baseline": dataset["baseline"]!, "EndpointName": "nobody"])
    }
    #expect(failure?.error == "Monitor.NoData")
  }
}
