/// A trained model with everything needed to use it: a versioned, self-describing JSON document.
///
/// An artifact records the algorithm and every hyperparameter (defaults included), the fitted
/// preprocessing, the features (names and types) the model expects, the target and its class
/// labels, a SHA-256 fingerprint of the training data, metrics, and the fitted model itself.
/// ``load(contentsOfFile:)`` followed by ``predict(_:)`` gives exactly the predictions of the
/// model that was saved: every number is written in its shortest round-trip form.
/// The format is described in `ARTIFACTS.md`.
///
/// ```swift
/// try artifact.save(toFile: "model.json")
/// let loaded = try ModelArtifact.load(contentsOfFile: "model.json")
/// let predictions = try loaded.predict(newRows)
/// ```
///
/// ## Topics
/// - Saving and loading: ``save(toFile:)``, ``load(contentsOfFile:)``, ``encoded()``, ``decode(_:)``
/// - Using: ``predict(_:)``, ``evaluate(on:)``
public struct ModelArtifact: Sendable, Codable, Equatable {
  /// The `format` field's value: identifies a file as a flow model.
  public static let formatName = "flow-model"
  /// The format version this library writes and the newest it reads.
  public static let currentVersion = 1

  /// The target column and, for classification, its class labels (index = encoded class).
  public struct TargetInfo: Sendable, Codable, Equatable {
    /// Column name.
    public var name: String
    /// Class labels in encoding order; `nil` for regression.
    public var classes: [String]?
  }

  /// Where the model came from.
  public struct TrainingDataInfo: Sendable, Codable, Equatable {
    /// Number of training rows.
    public var rows: Int
    /// SHA-256 of the training rows (features and target) as canonical CSV.
    public var sha256: String
  }

  /// Always ``formatName``.
  public var format: String = ModelArtifact.formatName
  /// The version of the format, ``currentVersion`` when written by this library.
  public var formatVersion: Int = ModelArtifact.currentVersion
  /// The learning algorithm.
  public var algorithm: Algorithm
  /// Classification or regression.
  public var task: TaskKind
  /// Every hyperparameter, defaults included.
  public var hyperparameters: [String: ParameterValue]
  /// The input features in order, with their types.
  public var features: [FeatureSpec]
  /// The target.
  public var target: TargetInfo
  /// The fitted preprocessing (imputation, standardization, one-hot encoding).
  public var preprocessing: Preprocessor
  /// Fingerprint of the training data.
  public var trainingData: TrainingDataInfo
  /// Metrics recorded at training time (`train_accuracy`, `validation_rmse`, …).
  public var metrics: [String: Double]
  /// The fitted model's parameters.
  public var model: AnyModel

  private enum CodingKeys: String, CodingKey {
    case format, formatVersion = "format_version", algorithm, task, hyperparameters, features, target
    case preprocessing, trainingData = "training_data", metrics, model
  }

  /// Creates an artifact (normally done by ``Trainer``).
  public init(algorithm: Algorithm, task: TaskKind, hyperparameters: [String: ParameterValue], features: [FeatureSpec],
              target: TargetInfo, preprocessing: Preprocessor, trainingData: TrainingDataInfo,
              metrics: [String: Double], model: AnyModel) {
    self.algorithm = algorithm
    self.task = task
    self.hyperparameters = hyperparameters
    self.features = features
    self.target = target
    self.preprocessing = preprocessing
    self.trainingData = trainingData
    self.metrics = metrics
    self.model = model
  }
}
