import FlowCore
import FlowTraining
import Foundation

/// One model of the benchmark, with the hyperparameters the scikit-learn script uses too.
struct BenchModel {
  var name: String
  var algorithm: Algorithm
  var hyperparameters: [String: ParameterValue] = [:]
  /// Models whose cost grows with n² train on at most this many rows (and score that many test rows).
  var maxRows: Int? = nil

  static let all: [BenchModel] = [
    BenchModel(name: "logistic_regression", algorithm: .logisticRegression),
    BenchModel(name: "gradient_boosting", algorithm: .gradientBoosting),
    BenchModel(name: "random_forest", algorithm: .randomForest),
    BenchModel(name: "mlp", algorithm: .mlp),
    BenchModel(name: "knn", algorithm: .knn, maxRows: 10_000),
    BenchModel(name: "svm", algorithm: .svm, maxRows: 10_000),
  ]

  /// Fits `repeats` times (the fastest fit counts; every fit gives the same model) and scores the test rows.
  func run(on full: BenchDataset, repeats: Int) throws -> BenchResult {
    let data = maxRows.map { full.subset(trainRows: $0, testRows: $0) } ?? full
    let target = Target.classes(data.trainLabels, classCount: data.classCount)
    var fitSeconds = Double.infinity
    var fitted: AnyModel?
    let iterations = Locked(0)
    for _ in 0..<repeats {
      iterations.withLock { $0 = 0 }
      let start = Date()
      fitted = try AnyModel.fit(algorithm, x: data.train, target: target, hyperparameters: hyperparameters,
                                progress: { _ in iterations.withLock { $0 += 1 } })
      fitSeconds = min(fitSeconds, Date().timeIntervalSince(start))
    }
    let model = fitted!
    let probabilities = model.predict(data.test)
    let accuracy = ClassificationMetrics.accuracy(data.testLabels, probabilities.argmaxRows())
    let logLoss = ClassificationMetrics.logLoss(data.testLabels, probabilities: probabilities)
    return BenchResult(dataset: data.name, model: name, fitSeconds: fitSeconds, testAccuracy: accuracy, testLogLoss: logLoss,
                       iterations: iterations.value)
  }
}

/// One line of the results.
struct BenchResult {
  var dataset: String
  var model: String
  var fitSeconds: Double
  var testAccuracy: Double
  /// Log loss of the predicted probabilities on the test rows.
  var testLogLoss: Double
  var iterations = 0
  var threads = ProcessInfo.processInfo.activeProcessorCount

  var tableRow: String {
    "  \(model.padding(toLength: 22, withPad: " ", startingAt: 0)) fit \(String(format: "%8.3f", fitSeconds)) s   test accuracy \(String(format: "%.4f", testAccuracy))   log loss \(String(format: "%.4f", testLogLoss))   (\(iterations) progress reports)"
  }

  var json: String {
    "{\"dataset\": \"\(dataset)\", \"model\": \"\(model)\", \"tool\": \"flow\", \"threads\": \(threads), "
      + "\"fit_seconds\": \(String(format: "%.4f", fitSeconds)), \"test_accuracy\": \(String(format: "%.4f", testAccuracy)), \"test_log_loss\": \(String(format: "%.4f", testLogLoss))}"
  }
}
