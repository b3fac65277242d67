import Foundation
import Testing
@testable import FlowTraining

@Suite struct ModelArtifactTests {
  /// A small mixed-type table: numeric, categorical (with missing values), class target.
  static let table: Dataset = {
    var generator = SeededGenerator(seed: 5)
    var a: [Double?] = [], color: [String?] = [], label: [String?] = [], amount: [Double?] = []
    for i in 0..<120 {
      let x = generator.nextGaussian()
      let c = ["red", "green", "blue"][i % 3]
      a.append(i % 17 == 0 ? nil : x)
      color.append(i % 13 == 0 ? nil : c)
      label.append(x + (c == "red" ? 1 : 0) > 0.3 ? "yes" : "no")
      amount.append(2 * x + (c == "blue" ? 3 : 0) + 0.1 * generator.nextGaussian())
    }
    return try! Dataset(columns: [.numeric("a", a), .categorical("color", color), .categorical("label", label), .numeric("amount", amount)])
  }()

  static let classifiers: [Algorithm] = [.logisticRegression, .gradientBoosting, .randomForest, .mlp, .knn, .svm]
  static let regressors: [Algorithm] = [.linearRegression, .ridge, .gradientBoosting, .randomForest, .mlp, .knn]

  static func small(_ algorithm: Algorithm) -> [String: ParameterValue] {
    switch algorithm {
    case .gradientBoosting: ["max_iter": .int(10), "min_samples_leaf": .int(5)]
    case .randomForest: ["n_estimators": .int(5)]
    case .mlp: ["hidden_layer_sizes": .int(8), "max_iter": .int(20)]
    default: [:]
    }
  }

  @Test(arguments: classifiers)
  func classifier_roundTripsToIdenticalPredictions(algorithm: Algorithm) throws {
    let data = Self.table.removing("amount")
    let configuration = TrainingConfiguration(algorithm: algorithm, target: "label", hyperparameters: Self.small(algorithm))
    let artifact = try Trainer.train(configuration, on: data)
    let loaded = try ModelArtifact.decode(artifact.encoded())
    #expect(loaded == artifact)
    let before = try artifact.predict(data), after = try loaded.predict(data)
    #expect(before == after)
    #expect(Set(before.labels ?? []).isSubset(of: ["yes", "no"]))
    #expect(artifact.target.classes == ["no", "yes"])
    #expect(artifact.metrics["train_accuracy"] != nil)
  }

  @Test(arguments: regressors)
  func regressor_roundTripsToIdenticalPredictions(algorithm: Algorithm) throws {
    let data = Self.table.removing("label")
    let configuration = TrainingConfiguration(algorithm: algorithm, target: "amount", hyperparameters: Self.small(algorithm))
    let artifact = try Trainer.train(configuration, on: data, validation: data)
    #expect(artifact.task == .regression)
    let loaded = try ModelArtifact.decode(artifact.encoded())
    #expect(try loaded.predict(data) == artifact.predict(data))
    #expect(artifact.metrics["validation_r2"] != nil)
  }

  @Test func savesAndLoadsFiles_withSelfDescribingFields() throws {
    let data = Self.table.removing("amount")
    let artifact = try Trainer.train(TrainingConfiguration(algorithm: .logisticRegression, target: "label"), on: data)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("flow-artifact-\(UUID()).json").path
    try artifact.save(toFile: path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try ModelArtifact.load(contentsOfFile: path) == artifact)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    #expect(json["format"] as? String == "flow-model")
    #expect(json["format_version"] as? Int == 1)
    #expect(json["algorithm"] as? String == "logistic_regression")
    #expect((json["training_data"] as? [String: Any])?["sha256"] as? String == artifact.trainingData.sha256)
    #expect((json["hyperparameters"] as? [String: Any])?["C"] as? Double == 1)
  }

  @Test func truncatedArtifact_isInvalid() throws {
    let data = try Trainer.train(TrainingConfiguration(algorithm: .knn, target: "label"), on: Self.table.removing("amount")).encoded()
    let error = try #require(throws: TrainingError.self) { try ModelArtifact.decode(data.prefix(data.count / 2)) }
    #expect(error.code == .invalidArtifact)
    #expect(error.message.contains("truncated"))
  }

  @Test func newerVersion_isUnsupported() throws {
    let artifact = try Trainer.train(TrainingConfiguration(algorithm: .knn, target: "label"), on: Self.table.removing("amount"))
    var object = try #require(try JSONSerialization.jsonObject(with: artifact.encoded()) as? [String: Any])
    object["format_version"] = 2
    let error = try #require(throws: TrainingError.self) { try ModelArtifact.decode(JSONSerialization.data(withJSONObject: object)) }
    #expect(error.code == .unsupportedVersion)
    object["format_version"] = 1
    object.removeValue(forKey: "model")
    let missing = try #require(throws: TrainingError.self) { try ModelArtifact.decode(JSONSerialization.data(withJSONObject: object)) }
    #expect(missing.code == .invalidArtifact)
    #expect(missing.message.contains("model"))
    let other = try #require(throws: TrainingError.self) { try ModelArtifact.decode(Data("{\"format\": \"onnx\"}".utf8)) }
    #expect(other.code == .invalidArtifact)
  }

  @Test func mismatchedFeaturesAtPredictTime_areClearErrors() throws {
    let artifact = try Trainer.train(TrainingConfiguration(algorithm: .logisticRegression, target: "label"), on: Self.table.removing("amount"))
    let missing = try #require(throws: TrainingError.self) { try artifact.predict(Self.table.removing("color")) }
    #expect(missing.code == .featureMismatch)
    #expect(missing.message.contains("color"))
    let wrongType = try Dataset(columns: [.categorical("a", ["x"]), .categorical("color", ["red"])])
    #expect(throws: TrainingError.self) { try artifact.predict(wrongType) }
    // Unknown categories at predict time are ignored, not fatal.
    let unseen = try Dataset(columns: [.numeric("a", [0.5]), .categorical("color", ["purple"])])
    #expect(try artifact.predict(unseen).labels?.count == 1)
  }

  /// The caller's fingerprint sees the training rows' canonical text: equal data, equal text; other data, other text.
  @Test func trainingDataFingerprint_isTheCallersHashOfTheCanonicalText() throws {
    let data = Self.table.removing("amount")
    let texts = TextLog()
    let hash: (String) -> String = { texts.append($0); return "h\($0.count)" }
    let a = try Trainer.train(TrainingConfiguration(algorithm: .knn, target: "label"), on: data, fingerprint: hash)
    let b = try Trainer.train(TrainingConfiguration(algorithm: .knn, target: "label"), on: data.rows(Array(0..<100)), fingerprint: hash)
    let again = try Trainer.train(TrainingConfiguration(algorithm: .knn, target: "label"), on: data, fingerprint: hash)
    #expect(a.trainingData.sha256 != b.trainingData.sha256)
    #expect(a.trainingData.sha256 == again.trainingData.sha256)
    #expect(try Trainer.train(TrainingConfiguration(algorithm: .knn, target: "label"), on: data).trainingData.sha256 == "")
  }
}

final class TextLog: @unchecked Sendable {
  private(set) var all: [String] = []  // used from one test at a time
  func append(_ text: String) { all.append(text) }
}
