import FlowCore
import FlowTraining
import Foundation

/// The splits of a processed data set, as `flow:process` outputs them and other steps take them (`Dataset.$`).
///
/// Accepts the whole `flow:process` output (`{"target", "train": {"path"}, "validation": {…}, "test": {…},
/// "datasetHash", "baseline": {…}}`) or plain paths (`{"Train": "a.csv", "Test": "b.csv", "Target": "y"}`).
struct DatasetReference: Sendable {
  var target: String
  var train: String?
  var validation: String?
  var test: String?
  var datasetHash: String?
  var baseline: String?
  /// The hashes of the split files, by split name, for lineage.
  var hashes: [String: String] = [:]

  init(_ value: JSONValue, step: String, target override: String? = nil) throws {
    guard case .object(let fields) = value else {
      throw StepFailure("\(step).InvalidParameters", cause: "'Dataset' must be the output of flow:process (an object), got \(value.typeName)")
    }
    func path(_ names: [String]) throws -> String? {
      for name in names {
        switch fields[name] {
        case .string(let path)?: return path
        case .object(let file)?:
          guard let path = file["path"]?.stringValue else {
            throw StepFailure("\(step).InvalidParameters", cause: "'Dataset.\(name)' has no 'path'")
          }
          return path
        default: continue
        }
      }
      return nil
    }
    func hash(_ names: [String]) -> String? {
      names.lazy.compactMap { fields[$0]?["sha256"]?.stringValue }.first
    }
    guard let target = override ?? fields["target"]?.stringValue ?? fields["Target"]?.stringValue else {
      throw StepFailure("\(step).InvalidParameters", cause: "the data set names no target column: give 'Target' or pass the output of flow:process")
    }
    self.target = target
    train = try path(["train", "Train"])
    validation = try path(["validation", "Validation"])
    test = try path(["test", "Test"])
    baseline = try path(["baseline", "Baseline"])
    datasetHash = fields["datasetHash"]?.stringValue
    for split in ["train", "validation", "test"] { if let h = hash([split]) { hashes[split] = h } }
  }

  /// The path of a split by name (`train`, `validation`, `test`).
  func path(of split: String) -> String? {
    switch split {
    case "train": train
    case "validation": validation
    case "test": test
    default: nil
    }
  }
}

/// A saved model, as `flow:train` and `flow:tune` output it: `{"path", "sha256", "algorithm", "hyperparameters",
/// "metrics", "datasetHash", "target"}`. Steps take it as `Model.$`, or just a path string.
struct ModelReference: Sendable {
  var path: String
  var sha256: String?
  var datasetHash: String?

  init(_ value: JSONValue, step: String) throws {
    switch value {
    case .string(let path): self.path = path
    case .object(let fields):
      guard let path = fields["path"]?.stringValue else {
        throw StepFailure("\(step).InvalidParameters", cause: "'Model' must have a 'path' (the output of flow:train or flow:tune's 'best')")
      }
      self.path = path
      sha256 = fields["sha256"]?.stringValue
      datasetHash = fields["datasetHash"]?.stringValue
    default:
      throw StepFailure("\(step).InvalidParameters", cause: "'Model' must be a path or the output of flow:train, got \(value.typeName)")
    }
  }
}

/// A model-output JSON reference for step outputs.
func modelJSON(_ artifact: ModelArtifact, stored: StoredArtifact, datasetHash: String?) -> JSONValue {
  var object: JSONObject = [
    "path": .string(stored.path), "sha256": .string(stored.sha256), "algorithm": .string(artifact.algorithm.rawValue),
    "hyperparameters": hyperparametersJSON(artifact.hyperparameters), "metrics": metricsJSON(artifact.metrics),
    "target": .string(artifact.target.name), "trainingRows": .int(artifact.trainingData.rows),
  ]
  if let datasetHash { object["datasetHash"] = .string(datasetHash) }
  return .object(object)
}
