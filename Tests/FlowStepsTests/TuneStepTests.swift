import FlowCore
import FlowSteps
import Foundation
import Testing

@Suite struct TuneStepTests {
  static func parameters(_ dataset: JSONValue, maxJobs: Int = 4, parallel: Int = 1) -> JSONValue {
    ["Dataset": dataset, "Algorithm": "logistic_regression",
     "HyperparameterRanges": ["C": ["Type": "Continuous", "MinValue": 0.01, "MaxValue": 10, "ScalingType": "Logarithmic"]],
     "Strategy": "Random", "Objective": ["Metric": "accuracy", "Type": "Maximize"], "MaxJobs": .int(maxJobs),
     "MaxParallelJobs": .int(parallel), "Seed": 3]
  }

  /// Checkpoints that count saves, as the executor's durable ones would be written.
  final class CountingCheckpoints: Sendable {
    private let state: Locked<(values: [JSONValue], saves: Int)>
    init(_ initial: [JSONValue] = []) { state = Locked((initial, 0)) }
    var stored: [JSONValue] { state.value.values }
    var saves: Int { state.value.saves }
    var checkpoints: StepCheckpoints {
      StepCheckpoints(load: { self.stored }, save: { value in self.state.withLock { $0.values.append(value); $0.saves += 1 } })
    }
  }

  @Test func savesEveryTrial_andReturnsTheBestWithAllTrials() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let counter = CountingCheckpoints()
    let output = try await workspace.run("flow:tune", Self.parameters(dataset), state: "Tune", checkpoints: counter.checkpoints)
    #expect(counter.saves == 4)
    #expect(output["trialCount"] == 4)
    #expect(output["restoredTrials"] == 0)
    let trials = try #require(output["trials"]?.arrayValue)
    let best = trials.compactMap { $0["objective"]?.doubleValue }.max()
    #expect(output.at("objective.value")?.doubleValue == best)
    #expect(output.at("best.path")?.stringValue?.hasSuffix(".json") == true)
    #expect(output.at("bestHyperparameters.C") != nil)
  }

  @Test func resumedJob_runsOnlyTheTrialsNotCheckpointed_andEndsWithTheSameModel() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let full = CountingCheckpoints()
    let uninterrupted = try await workspace.run("flow:tune", Self.parameters(dataset, maxJobs: 5), state: "Tune",
                                                checkpoints: full.checkpoints)

    // A job killed after two trials: its checkpoints hold those two.
    let crashed = CountingCheckpoints(Array(full.stored.prefix(2)))
    let resumed = try await workspace.run("flow:tune", Self.parameters(dataset, maxJobs: 5), state: "Tune",
                                          checkpoints: crashed.checkpoints)
    #expect(crashed.saves == 3)
    #expect(resumed["restoredTrials"] == 2)
    #expect(resumed.at("best.sha256") == uninterrupted.at("best.sha256"))
    #expect(resumed["trials"]?.arrayValue?.map { $0["hyperparameters"] } == uninterrupted["trials"]?.arrayValue?.map { $0["hyperparameters"] })
  }

  @Test func parallelRounds_areDeterministic() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let a = try await workspace.run("flow:tune", Self.parameters(dataset, maxJobs: 4, parallel: 2), state: "Tune")
    let b = try await workspace.run("flow:tune", Self.parameters(dataset, maxJobs: 4, parallel: 2), state: "Tune")
    #expect(a.at("best.sha256") == b.at("best.sha256"))
  }

  @Test func badRange_isAnInvalidParameter() async throws {
    let workspace = try StepWorkspace()
    var parameters = Self.parameters(["target": "label", "train": "x.csv"]).objectValue!
    parameters["HyperparameterRanges"] = ["C": ["Type": "Continuous", "MinValue": 5, "MaxValue": 1]]
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:tune", .object(parameters))
    }
    #expect(failure?.error == "Tune.InvalidParameters")
  }
}
