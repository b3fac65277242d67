import FlowTraining
import Foundation
import Testing

/// Small models trained in the test itself, saved to a temporary directory.
enum TinyModels {
  /// Three numeric features, one categorical (`color`), a three-class target `a`/`b`/`c`.
  static let classificationData: Dataset = {
    var x0: [Double?] = [], x1: [Double?] = [], x2: [Double?] = [], color: [String?] = [], label: [String?] = []
    var state: UInt64 = 7
    func next() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    for i in 0..<90 {
      let a = next(), b = next(), c = next()
      let k = i % 3
      x0.append(a + Double(k)); x1.append(b - Double(k)); x2.append(c)
      color.append(["red", "green", "blue"][(i / 3) % 3])
      label.append(["a", "b", "c"][k])
    }
    return try! Dataset(columns: [.numeric("x0", x0), .numeric("x1", x1), .numeric("x2", x2),
                                  .categorical("color", color), .categorical("label", label)])
  }()

  /// Two numeric features, a real-valued target.
  static let regressionData: Dataset = {
    let x0: [Double?] = (0..<40).map { Double($0) / 10 }
    let x1: [Double?] = (0..<40).map { Double(($0 * 7) % 11) }
    let y: [Double?] = (0..<40).map { (i: Int) -> Double? in
      let a = 3 * Double(i) / 10, b = 0.5 * Double((i * 7) % 11)
      return a - b + 0.25 + Double(i % 3) * 0.01
    }
    return try! Dataset(columns: [.numeric("x0", x0), .numeric("x1", x1), .numeric("y", y)])
  }()

  // Trained once per test process: many suites run at once, and training in a debug build takes a while.
  private static let classifiers: [Double: ModelArtifact] = Dictionary(uniqueKeysWithValues: [1.0, 0.1, 0.01].map { c in
    (c, try! Trainer.train(TrainingConfiguration(algorithm: .logisticRegression, target: "label", hyperparameters: ["C": .double(c)]),
                           on: classificationData))
  })
  private static let trainedRegressor = try! Trainer.train(
    TrainingConfiguration(algorithm: .linearRegression, target: "y", task: .regression), on: regressionData)

  /// A logistic regression with regularisation `C` (1, 0.1 or 0.01).
  static func classifier(c: Double = 1) throws -> ModelArtifact {
    try #require(classifiers[c], "no tiny classifier with C = \(c)")
  }

  static func regressor() throws -> ModelArtifact { trainedRegressor }
}

/// A fresh temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
  let path: String
  init() throws {
    path = NSTemporaryDirectory() + "flow-serving-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  func file(_ name: String) -> String { path + "/" + name }
  func save(_ artifact: ModelArtifact, as name: String) throws -> String {
    let file = file(name)
    try artifact.save(toFile: file)
    return file
  }
  func remove() { try? FileManager.default.removeItem(atPath: path) }
}
