import Foundation

/// Trains a model from a ``Dataset`` and packages it as a ``ModelArtifact``.
///
/// Preprocessing is fitted on the training rows only. When `validation` rows are given, the
/// artifact's metrics are computed on them (`validation_accuracy`, …); training-set metrics are
/// always recorded too (`train_accuracy`, …).
public enum Trainer {
  /// Trains a model.
  /// - Parameters:
  ///   - configuration: Algorithm, target, features, hyperparameters.
  ///   - dataset: Training rows.
  ///   - validation: Optional held-out rows to score.
  ///   - progress: Called after each iteration, epoch or tree.
  ///   - scoreTrainingRows: Whether to record `train_…` metrics (a prediction per training row: tuning trials and
  ///     refits skip it).
  ///   - fingerprint: Hashes the training rows' canonical CSV text (``canonicalText(of:)``) for the artifact's
  ///     `training_data.sha256`; the module takes no dependencies, so the caller brings the hash (FlowSteps uses
  ///     SHA-256). Without one the field is empty.
  /// - Returns: The artifact, ready to save or to predict with.
  /// - Throws: ``TrainingError``: `missing-column` for an unknown target or feature,
  ///   `invalid-hyperparameter`, or `invalid-argument` (empty data, unsupported task).
  public static func train(_ configuration: TrainingConfiguration, on dataset: Dataset, validation: Dataset? = nil,
                           progress: ProgressHandler? = nil, scoreTrainingRows: Bool = true,
                           fingerprint: ((String) -> String)? = nil) throws -> ModelArtifact {
    let targetColumn = try dataset.column(named: configuration.target)
    let features = configuration.features ?? dataset.columnNames.filter { $0 != configuration.target }
    guard !features.isEmpty else { throw TrainingError(.invalidArgument, "no feature columns besides the target '\(configuration.target)'") }
    if features.contains(configuration.target) {
      throw TrainingError(.invalidArgument, "the target '\(configuration.target)' is also listed as a feature")
    }
    let hyperparameters = try AnyModel.resolve(configuration.algorithm, configuration.hyperparameters)
    let task = configuration.resolvedTask(for: targetColumn)
    let preprocessor = try Preprocessor.fit(dataset, features: features, options: configuration.preprocessing)
    let x = try preprocessor.transform(dataset)
    let encoder: LabelEncoder?
    let target: Target
    switch task {
    case .classification:
      let fitted = try LabelEncoder.fit(targetColumn)
      encoder = fitted
      target = .classes(try fitted.encode(targetColumn), classCount: fitted.classes.count)
    case .regression:
      encoder = nil
      target = .values(try regressionTargets(targetColumn))
    }
    let model = try AnyModel.fit(configuration.algorithm, x: x, target: target,
                                 hyperparameters: configuration.hyperparameters, progress: progress)
    var metrics: [String: Double] = [:]
    if scoreTrainingRows {
      for (name, value) in Scores.of(model, x: x, target: target) { metrics["train_" + name] = value }
    }
    let rows = try dataset.selecting(features + [configuration.target])
    var artifact = ModelArtifact(
      algorithm: configuration.algorithm, task: task, hyperparameters: hyperparameters,
      features: preprocessor.features, target: .init(name: configuration.target, classes: encoder?.classes),
      preprocessing: preprocessor,
      trainingData: .init(rows: dataset.rowCount, sha256: fingerprint.map { $0(canonicalText(of: rows)) } ?? ""),
      metrics: metrics, model: model)
    if let validation {
      for (name, value) in try artifact.evaluate(on: validation) { artifact.metrics["validation_" + name] = value }
    }
    return artifact
  }

  /// The data set's canonical CSV text: equal data gives equal text, so its hash fingerprints the data.
  public static func canonicalText(of dataset: Dataset) -> String {
    CSVWriter.text(of: dataset)
  }

  static func regressionTargets(_ column: Column) throws -> [Double] {
    guard case .numeric(let values) = column.values else {
      throw TrainingError(.invalidArgument, "regression needs a numeric target; column '\(column.name)' holds text")
    }
    return try values.enumerated().map { row, value in
      guard let value else { throw TrainingError(.invalidArgument, "the target is missing", at: .init(line: row + 2, column: column.name)) }
      return value
    }
  }
}
