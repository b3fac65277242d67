import FlowCore
import FlowTesting
import Foundation
import Testing

/// Datasets on many hosts: with a PostgreSQL store, what `flow:process`, `flow:train` and `flow:transform` write in
/// one project directory is read by the ML steps of a pipeline run in another (its own cwd, an empty `.flow`), the
/// files fetched from PostgreSQL into the second directory's artifact cache and checked against their hashes.
@Suite(.serialized, .enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                             "FLOW_TEST_POSTGRES_URL is unset: the PostgreSQL dataset tests were skipped"))
struct PostgresDatasetTests {
  /// Host A: process the data, train, evaluate, and predict the test split (keeping its columns).
  static let produce = """
    StartAt: Process
    States:
      Process:
        Type: Task
        Resource: flow:process
        Parameters: {Source: data.csv, Target: label, TestFraction: 0.2, ValidationFraction: 0.1, Seed: 0}
        ResultPath: $.dataset
        Next: Train
      Train:
        Type: Task
        Resource: flow:train
        Parameters: {Dataset.$: $.dataset, Algorithm: logistic_regression, Hyperparameters: {C: 1.0, max_iter: 200}}
        ResultPath: $.model
        Next: Evaluate
      Evaluate:
        Type: Task
        Resource: flow:evaluate
        Parameters: {Model.$: $.model, Dataset.$: $.dataset}
        ResultPath: $.evaluation
        Next: Transform
      Transform:
        Type: Task
        Resource: flow:transform
        Parameters: {Model.$: $.model, Input.$: $.dataset.test.path, IncludeInput: true}
        ResultPath: $.predictions
        End: true
    """

  /// Host B: every ML step that reads a data set, a baseline or a model, on host A's outputs.
  static let consume = """
    StartAt: Retrain
    States:
      Retrain:
        Type: Task
        Resource: flow:train
        Parameters: {Dataset.$: $.dataset, Algorithm: logistic_regression, TrainOn: [train, validation]}
        ResultPath: $.retrained
        Next: Tune
      Tune:
        Type: Task
        Resource: flow:tune
        Parameters:
          Dataset.$: $.dataset
          Algorithm: logistic_regression
          HyperparameterRanges: {C: {Type: Continuous, MinValue: 0.1, MaxValue: 10, ScalingType: Logarithmic}}
          Objective: {Metric: accuracy, Type: Maximize}
          MaxJobs: 2
        ResultPath: $.tuned
        Next: Evaluate
      Evaluate:
        Type: Task
        Resource: flow:evaluate
        Parameters: {Model.$: $.model, Dataset.$: $.dataset}
        ResultPath: $.evaluation
        Next: Monitor
      Monitor:
        Type: Task
        Resource: flow:monitor
        Parameters: {Baseline.$: $.dataset.baseline, DataPath.$: $.dataset.test.path, MinRows: 10}
        ResultPath: $.drift
        Next: Transform
      Transform:
        Type: Task
        Resource: flow:transform
        Parameters: {Model.$: $.model, Input.$: $.dataset.test.path}
        ResultPath: $.predicted
        Next: Reprocess
      Reprocess:
        Type: Task
        Resource: flow:process
        Parameters: {Source.$: $.predictions.output.path, Target: label, TestFraction: 0.25, ValidationFraction: 0, Stratify: false}
        ResultPath: $.reprocessed
        End: true
    """

  @Test func datasetsProducedInOneDirectoryAreReadInAnotherWithAnEmptyFlowDirectory() async throws {
    let store = try PostgresTestURL.fresh()
    let hostA = try temporaryDirectory("flow-data-host-a"), hostB = try temporaryDirectory("flow-data-host-b")
    defer { try? FileManager.default.removeItem(at: hostB) }
    try hostA.write(PostgresArtifactTests.csv, to: "data.csv")
    try hostA.write(Self.produce, to: "produce.yaml")
    try hostB.write(Self.consume, to: "consume.yaml")
    let produced = try FlowBinary.run(["run", "produce.yaml", "--json", "--store", store], in: hostA)
    #expect(produced.json?["status"] == "SUCCEEDED", "\(produced.stdout)\n\(String(produced.stderr.suffix(3000)))")
    var handOver = try #require(produced.json?["output"]?.objectValue, "\(produced.stdout)")
    handOver["predictions"] = ["output": try #require(handOver["predictions"]?["output"])]
    let dataset = try #require(handOver["dataset"])
    let trainPath = try #require(dataset["train"]?["path"]?.stringValue)
    #expect(trainPath.contains("flow-data-host-a"))
    // Host B cannot see host A's files: only the store is shared.
    try FileManager.default.removeItem(at: hostA)
    #expect(!FileManager.default.fileExists(atPath: hostB.appendingPathComponent(".flow/artifacts").path))

    let consumed = try FlowBinary.run(["run", "consume.yaml", "--json", "--store", store,
                                       "--input", JSONValue.object(handOver).serialized()], in: hostB)
    #expect(consumed.json?["status"] == "SUCCEEDED", "\(consumed.stdout)\n\(String(consumed.stderr.suffix(3000)))")
    let output = try #require(consumed.json?["output"])
    // The same model on the same split gives host A's scores.
    #expect(output["evaluation"]?["accuracy"] == handOver["evaluation"]?["accuracy"])
    #expect(output["evaluation"]?["rows"] == dataset["test"]?["rows"])
    #expect(output["drift"]?["referenceRows"] == dataset["train"]?["rows"])
    #expect(output["predicted"]?["rows"] == dataset["test"]?["rows"])
    #expect(output["retrained"]?["trainingRows"]?.intValue == (dataset["train"]?["rows"]?.intValue ?? 0) + (dataset["validation"]?["rows"]?.intValue ?? 0))
    #expect(output["tuned"]?["trialCount"] == 2)
    #expect(output["reprocessed"]?["datasetHash"] == handOver["predictions"]?["output"]?["sha256"])
    // Each of host A's files that host B read is in B's cache under its content address, byte for byte.
    for (name, reference) in [("train", dataset["train"]), ("validation", dataset["validation"]), ("test", dataset["test"]),
                              ("baseline", dataset["baseline"]), ("model", handOver["model"]),
                              ("predictions", handOver["predictions"]?["output"])] {
      let hash = try #require(reference?["sha256"]?.stringValue, "\(name)")
      let ext = URL(fileURLWithPath: reference?["path"]?.stringValue ?? "").pathExtension
      let cached = hostB.appendingPathComponent(".flow/artifacts/sha256/\(hash.prefix(2))/\(hash).\(ext)")
      #expect(FileManager.default.fileExists(atPath: cached.path), "\(name) was not fetched into host B's cache")
      var digest = SHA256Stream()
      digest.update((try? Data(contentsOf: cached)) ?? Data())
      #expect(digest.hexDigest() == hash, "\(name)")
    }
  }
}
