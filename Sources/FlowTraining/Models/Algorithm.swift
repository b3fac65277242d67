/// The learning algorithms `FlowTraining` offers, by their artifact and pipeline names.
public enum Algorithm: String, Sendable, Codable, Hashable, CaseIterable {
  /// ``LogisticRegression``.
  case logisticRegression = "logistic_regression"
  /// ``LinearRegression`` with `alpha = 0`.
  case linearRegression = "linear_regression"
  /// ``LinearRegression`` with an L2 penalty.
  case ridge
  /// ``GradientBoosting`` (histogram-based trees).
  case gradientBoosting = "gradient_boosting"
  /// ``RandomForest``.
  case randomForest = "random_forest"
  /// ``MLP`` (multilayer perceptron).
  case mlp
  /// ``KNearestNeighbors``.
  case knn
  /// ``SVM`` (RBF kernel, SMO).
  case svm

  /// Whether the algorithm can learn class targets.
  public var supportsClassification: Bool { self != .linearRegression && self != .ridge }
  /// Whether the algorithm can learn real-valued targets.
  public var supportsRegression: Bool { self != .logisticRegression && self != .svm }

  /// Parses an algorithm name such as `gradient_boosting`.
  /// - Throws: ``TrainingError`` (`invalid-argument`) listing the known names.
  public static func named(_ name: String) throws -> Algorithm {
    guard let algorithm = Algorithm(rawValue: name) else {
      throw TrainingError(.invalidArgument, "unknown algorithm '\(name)' (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return algorithm
  }
}
