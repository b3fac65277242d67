import FlowCore
import FlowSteps
import Foundation
import Testing

/// The ML steps read their inputs through one resolver (`MLEnvironment.readablePath`): another host's artifact is
/// fetched from the store's blobs into this host's cache. Here two workspaces stand for two hosts sharing an
/// in-memory blob store; `PostgresDatasetTests` does the same through the binary on PostgreSQL.
@Suite struct ArtifactInputTests {
  /// Blobs in memory, verified on fetch as the PostgreSQL store does.
  final class MemoryBlobs: ArtifactBlobStore {
    let blobs = Locked<[String: Data]>([:])
    func putBlob(hash: String, from file: URL) throws {
      let data = try Data(contentsOf: file)
      blobs.withLock { $0[hash] = data }
    }
    func hasBlob(hash: String) throws -> Bool { blobs.withLock { $0[hash] != nil } }
    func fetchBlob(hash: String, into file: URL) throws -> Bool {
      guard let data = blobs.withLock({ $0[hash] }) else { return false }
      guard HashAlgorithm.sha256.hexDigest(data) == hash else { throw StoreError("corrupt \(hash)", code: .corrupt) }
      try data.write(to: file, options: .atomic)
      return true
    }
  }

  @Test func stepsOnAnotherHostReadTheDatasetsAndModelsThroughTheBlobStore() async throws {
    let shared = MemoryBlobs()
    let hostA = try StepWorkspace(blobs: shared), hostB = try StepWorkspace(blobs: shared)
    let dataset = try await hostA.process(try hostA.writeBlobs("blobs.csv"))
    let model = try await hostA.run("flow:train", ["Dataset": dataset, "Algorithm": "logistic_regression"], state: "Train")
    let onA = try await hostA.run("flow:evaluate", ["Model": model, "Dataset": dataset], state: "Evaluate")
    try FileManager.default.removeItem(at: hostA.directory)

    let onB = try await hostB.run("flow:evaluate", ["Model": model, "Dataset": dataset], state: "Evaluate")
    #expect(onB["accuracy"] == onA["accuracy"] && onB["rows"] == onA["rows"])
    let retrained = try await hostB.run("flow:train", ["Dataset": dataset, "Algorithm": "logistic_regression",
                                                        "TrainOn": ["train", "validation"]], state: "Train")
    #expect(retrained["trainingRows"]?.intValue == (dataset.at("train.rows")?.intValue ?? 0) + (dataset.at("validation.rows")?.intValue ?? 0))
    let drift = try await hostB.run("flow:monitor", ["Baseline": dataset["baseline"]!, "DataPath": dataset.at("test.path")!,
                                                     "MinRows": 10], state: "Monitor")
    #expect(drift["referenceRows"] == dataset.at("train.rows"))
    for name in ["train", "validation", "test", "baseline"] {
      let hash = try #require(dataset.at("\(name).sha256")?.stringValue)
      let ext = URL(fileURLWithPath: dataset.at("\(name).path")?.stringValue ?? "").pathExtension
      let cached = hostB.environment.artifactCache.cachePath(hash: hash, ext: ext)
      #expect(HashAlgorithm.sha256.hexDigest(try Data(contentsOf: cached)) == hash, "\(name)")
    }
  }

  @Test func anotherHostsDatasetWithNoSharedCopy_failsSayingWhy() async throws {
    let hostA = try StepWorkspace(), hostB = try StepWorkspace()
    let dataset = try await hostA.process(try hostA.writeBlobs("blobs.csv"))
    try FileManager.default.removeItem(at: hostA.directory)
    let failure = await #expect(throws: StepFailure.self) {
      try await hostB.run("flow:train", ["Dataset": dataset, "Algorithm": "logistic_regression"], state: "Train")
    }
    #expect(failure?.error == "Train.FileNotFound")
    #expect(failure?.cause.contains("share that directory, or use a PostgreSQL store") == true, "\(failure?.cause ?? "")")
  }
}
