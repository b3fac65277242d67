import FlowCore
import FlowSteps
import Foundation
import Testing

@Suite struct RegistryStepTests {
  func trainedModel(_ workspace: StepWorkspace, c: Double = 1) async throws -> JSONValue {
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    return try await workspace.run("flow:train", ["Dataset": dataset, "Algorithm": "logistic_regression",
                                                  "Hyperparameters": ["C": .double(c)]], state: "Train")
  }

  @Test func registersVersionsWithLineage_andARerunReturnsTheSameVersion() async throws {
    let workspace = try StepWorkspace()
    let model = try await trainedModel(workspace)
    let first = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": model, "Metrics": ["accuracy": 0.9, "rows": 48]],
                                        state: "Register")
    #expect(first["version"] == 1)
    #expect(first["approvalStatus"] == "PendingManualApproval")
    let again = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": model], state: "Register")
    #expect(again["version"] == 1)
    #expect(again["alreadyRegistered"] == false)
    // The same artifact from another execution (a retrain that changed nothing) is the same version, and says so.
    let same = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": model], state: "Register", execution: "exec-3")
    #expect(same["version"] == 1)
    #expect(same["alreadyRegistered"] == true)
    let retrained = try await trainedModel(workspace, c: 0.01)
    let other = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": retrained, "Aliases": ["staging"]],
                                        state: "Register", execution: "exec-2")
    #expect(other["version"] == 2)
    #expect(other["alreadyRegistered"] == false)

    let record = try #require(try workspace.store.modelVersion("blobs", version: 1))
    #expect(record.draft.executionId == "exec-1")
    #expect(record.draft.algorithm == "logistic_regression")
    #expect(record.draft.datasetHash == model["datasetHash"]?.stringValue)
    #expect(record.draft.metrics["accuracy"] == 0.9)
    #expect(record.draft.metrics["rows"] == nil)
    #expect(try workspace.store.modelVersion("blobs", alias: "staging")?.version == 2)
  }

  @Test func deployNeedsApproval_keepsThePreviousVersion_andRollsBack() async throws {
    let workspace = try StepWorkspace()
    let model = try await trainedModel(workspace)
    _ = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": model], state: "Register")
    let deploy: JSONValue = ["EndpointName": "blobs", "ModelName": "blobs", "Version": 1]
    let refused = await #expect(throws: StepFailure.self) { try await workspace.run("flow:deploy", deploy, state: "Deploy") }
    #expect(refused?.error == "Deploy.NotApproved")

    _ = try await workspace.run("flow:register", ["ModelName": "blobs", "Version": 1, "ApprovalStatus": "Approved"], state: "Approve")
    let first = try await workspace.run("flow:deploy", deploy, state: "Deploy")
    #expect(first["version"] == 1)
    #expect(first["previous"] == .null)

    let retrained = try await trainedModel(workspace, c: 0.01)
    _ = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": retrained, "ApprovalStatus": "Approved"],
                                state: "Register", execution: "exec-2")
    let second = try await workspace.run("flow:deploy", ["EndpointName": "blobs", "ModelName": "blobs", "Version": 2],
                                         state: "Deploy", execution: "exec-2")
    #expect(second["version"] == 2)
    #expect(second.at("previous.version") == 1)
    // The same task again (a re-run after a crash) changes nothing.
    let rerun = try await workspace.run("flow:deploy", ["EndpointName": "blobs", "ModelName": "blobs", "Version": 2],
                                        state: "Deploy", execution: "exec-2")
    #expect(rerun.at("previous.version") == 1)

    let rolledBack = try workspace.store.rollback(endpoint: "blobs")
    #expect(rolledBack.current.version == 1)
    #expect(rolledBack.previous?.version == 2)
  }

  @Test func rejectedVersion_isNeverDeployed() async throws {
    let workspace = try StepWorkspace()
    let model = try await trainedModel(workspace)
    _ = try await workspace.run("flow:register", ["ModelName": "blobs", "Model": model, "ApprovalStatus": "Rejected"], state: "Register")
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:deploy", ["EndpointName": "e", "ModelName": "blobs", "Version": 1, "RequireApproval": false])
    }
    #expect(failure?.error == "Deploy.ModelRejected")
  }

  @Test func unknownVersion_isARegistryFailure() async throws {
    let workspace = try StepWorkspace()
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:deploy", ["EndpointName": "e", "ModelName": "nothing", "Version": 3])
    }
    #expect(failure?.error == "Registry.Failed")
  }
}
