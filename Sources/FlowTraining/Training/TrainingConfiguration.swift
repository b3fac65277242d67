/// What to train: algorithm, hyperparameters, target, features and preprocessing.
///
/// ```swift
/// let configuration = TrainingConfiguration(algorithm: .gradientBoosting, target: "target",
///                                           hyperparameters: ["max_iter": .int(200)])
/// let artifact = try Trainer.train(configuration, on: trainingData)
/// ```
public struct TrainingConfiguration: Sendable, Codable, Equatable {
  /// The learning algorithm.
  public var algorithm: Algorithm
  /// The target column.
  public var target: String
  /// Feature columns; `nil` means every column but the target.
  public var features: [String]?
  /// Hyperparameters by their scikit-learn names; unset ones take defaults.
  public var hyperparameters: [String: ParameterValue]
  /// Classification or regression; `nil` infers it: classification for a categorical target or a
  /// classification-only algorithm, regression for a regression-only algorithm, and otherwise
  /// classification when the numeric target has only whole numbers with at most 50 distinct values.
  public var task: TaskKind?
  /// Imputation and standardization of the features.
  public var preprocessing: PreprocessingOptions

  /// Creates a configuration.
  public init(algorithm: Algorithm, target: String, features: [String]? = nil,
              hyperparameters: [String: ParameterValue] = [:], task: TaskKind? = nil,
              preprocessing: PreprocessingOptions = PreprocessingOptions()) {
    self.algorithm = algorithm
    self.target = target
    self.features = features
    self.hyperparameters = hyperparameters
    self.task = task
    self.preprocessing = preprocessing
  }

  /// The task for `column` as the target, following the rules of ``task``.
  func resolvedTask(for column: Column) -> TaskKind {
    if let task { return task }
    if !algorithm.supportsRegression { return .classification }
    if !algorithm.supportsClassification { return .regression }
    guard case .numeric(let values) = column.values else { return .classification }
    let present = values.compactMap { $0 }
    let wholeNumbers = present.allSatisfy { $0 == $0.rounded() }
    return wholeNumbers && Set(present).count <= 50 ? .classification : .regression
  }
}
