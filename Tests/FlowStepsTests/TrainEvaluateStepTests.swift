import FlowCore
import FlowSteps
import Foundation
import Testing

@Suite struct TrainEvaluateStepTests {
  @Test func trainsThenEvaluatesOnTheTestSplit() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let model = try await workspace.run("flow:train", ["Dataset": dataset, "Algorithm": "logistic_regression",
                                                      "Hyperparameters": ["C": 1.0]], state: "Train")
    #expect(model["algorithm"] == "logistic_regression")
    #expect((model.at("metrics.validation_accuracy")?.doubleValue ?? 0) > 0.9)
    #expect(model["datasetHash"] == dataset["datasetHash"])

    let evaluation = try await workspace.run("flow:evaluate", ["Model": model, "Dataset": dataset], state: "Evaluate")
    #expect((evaluation["accuracy"]?.doubleValue ?? 0) > 0.9)
    #expect(evaluation["rows"] == 48)
    let matrix = try #require(evaluation["confusionMatrix"]?.arrayValue)
    #expect(matrix.count == 3)
    let counts: [Int] = matrix.flatMap { $0.arrayValue ?? [] }.compactMap(\.intValue)
    #expect(counts.reduce(0, +) == 48)
    let kinds = try workspace.store.artifacts(producedBy: "exec-1").map(\.kind)
    #expect(kinds.contains("model") && kinds.contains("evaluation"))
  }

  @Test func invalidHyperparameter_failsBeforeReadingData() async throws {
    let workspace = try StepWorkspace()
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:train", ["Dataset": ["target": "y", "train": "missing.csv"], "Algorithm": "svm",
                                             "Hyperparameters": ["C": -1]])
    }
    #expect(failure?.error == "Train.InvalidHyperparameter")
    #expect(failure?.cause.contains("'C'") == true)
  }

  @Test func hiddenLayerSizes_acceptsScikitLearnsListForm() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let model = try await workspace.run("flow:train", ["Dataset": dataset, "Algorithm": "mlp",
                                                      "Hyperparameters": ["hidden_layer_sizes": [16, 8], "max_iter": 20]], state: "Train")
    #expect(model.at("hyperparameters.hidden_layer_sizes") == "16,8")
    let tuned = try await workspace.run("flow:tune", [
      "Dataset": dataset, "Algorithm": "mlp", "StaticHyperparameters": ["max_iter": 10],
      "HyperparameterRanges": ["hidden_layer_sizes": ["Type": "Categorical", "Values": [[16], [8, 4]]]],
      "Strategy": "Random", "Objective": ["Metric": "accuracy", "Type": "Maximize"], "MaxJobs": 2, "Seed": 1,
    ], state: "Tune")
    let sizes = try #require(tuned["trials"]?.arrayValue).compactMap { $0.at("hyperparameters.hidden_layer_sizes")?.stringValue }
    #expect(Set(sizes).isSubset(of: ["16", "8,4"]) && !sizes.isEmpty)
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:train", ["Dataset": dataset, "Algorithm": "mlp", "Hyperparameters": ["hidden_layer_sizes": [16, "x"]]])
    }
    #expect(failure?.error == "Train.InvalidHyperparameter")
  }

  @Test func unknownAlgorithm_listsTheKnownOnes() async throws {
    let workspace = try StepWorkspace()
    let failure = await #expect(throws: StepFailure.self) {
      try await workspace.run("flow:train", ["Dataset": ["target": "y", "train": "x.csv"], "Algorithm": "xgboost"])
    }
    #expect(failure?.error == "Train.InvalidParameters")
    #expect(failure?.cause.contains("svm") == true)
  }

  @Test func transformWritesPredictions() async throws {
    let workspace = try StepWorkspace()
    let dataset = try await workspace.process(try workspace.writeBlobs("blobs.csv"))
    let model = try await workspace.run("flow:train", ["Dataset": dataset, "Algorithm": "knn"], state: "Train")
    let input = try workspace.writeBlobs("new.csv", rows: 30, seed: 9, withTarget: false)
    let output = workspace.path("out/predictions.csv")
    let result = try await workspace.run("flow:transform", ["Model": model, "Input": .string(input), "Output": .string(output),
                                                           "Probabilities": true], state: "Transform")
    #expect(result["rows"] == 30)
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "prediction,probability_a,probability_b,probability_c")
    #expect(lines.count == 31)
    #expect(result.at("predictionCounts.a") == 10)
  }
}
