import FlowCore
@testable import FlowSteps
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

  /// A blobs file with a categorical `city` column: cycling through three cities, or all one city.
  func writeWithCity(_ workspace: StepWorkspace, _ name: String, rows: Int, seed: UInt64, oneCity: Bool) throws -> String {
    let file = try workspace.writeBlobs(name, rows: rows, seed: seed)
    let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
    let cities = ["paris", "oslo", "rome"]
    let text = (["city," + lines[0]] + lines.dropFirst().enumerated().map { i, line in
      (oneCity ? "oslo" : cities[i % 3]) + "," + line
    }).joined(separator: "\n") + "\n"
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  @Test func aCategoricalColumnChangedToOneCategory_isDrift() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try writeWithCity(workspace, "blobs.csv", rows: 300, seed: 1, oneCity: false))
    let same = try writeWithCity(workspace, "same.csv", rows: 150, seed: 7, oneCity: false)
    let oneCity = try writeWithCity(workspace, "one-city.csv", rows: 150, seed: 7, oneCity: true)

    let calm = try await workspace.run("flow:monitor", ["Baseline": dataset["baseline"]!, "DataPath": .string(same)], state: "Monitor")
    #expect(calm["detected"] == false)
    #expect(calm["featureCount"] == 5)
    let drift = try await workspace.run("flow:monitor", ["Baseline": dataset["baseline"]!, "DataPath": .string(oneCity)], state: "Monitor")
    #expect(drift["detected"] == true)
    #expect(drift["driftedFeatures"] == 1)
    let city = try #require(drift["features"]?.arrayValue?.first)
    #expect(city["name"] == "city")
    #expect(city["kind"] == "categorical")
    #expect((city["psi"]?.doubleValue ?? 0) > 1)
    #expect((city["pValue"]?.doubleValue ?? 1) < 1e-6)
  }

  @Test func chiSquaredPValue_matchesTheChiSquaredDistribution() {
    // scipy.stats.chi2.sf(3.841458820694124, 1) = 0.05; chi2.sf(9.21034037197618, 2) = 0.01.
    #expect(abs(DriftStatistics.regularizedGammaQ(0.5, 3.841458820694124 / 2) - 0.05) < 1e-9)
    #expect(abs(DriftStatistics.regularizedGammaQ(1, 9.21034037197618 / 2) - 0.01) < 1e-9)
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
