/// Scores one trial's hyperparameters on a data set, by a holdout split or by k-fold cross-validation.
public struct TrialEvaluator: Sendable {
  /// How a trial is scored.
  public enum Scoring: Sendable, Codable, Hashable {
    /// Train on the rest, score on a stratified `fraction` of the rows.
    case holdout(fraction: Double)
    /// Mean score over `folds` stratified folds.
    case crossValidation(folds: Int)
  }

  /// The fixed part of every trial's training (algorithm, target, features, preprocessing);
  /// a trial's parameters are merged over its hyperparameters.
  public var base: TrainingConfiguration
  /// Holdout or cross-validation.
  public var scoring: Scoring
  /// The metric to report.
  public var objective: Metric
  /// Seed of the split(s); the same for every trial so that trials are compared on the same rows.
  public var seed: UInt64

  /// Creates an evaluator.
  public init(base: TrainingConfiguration, scoring: Scoring = .holdout(fraction: 0.2), objective: Metric, seed: UInt64 = 0) {
    self.base = base
    self.scoring = scoring
    self.objective = objective
    self.seed = seed
  }

  /// The objective value of `trial` on `dataset`.
  /// - Throws: ``TrainingError`` from splitting or training (for example an invalid hyperparameter),
  ///   or `invalid-argument` when the objective metric doesn't apply to the task.
  public func evaluate(_ trial: Trial, on dataset: Dataset) throws -> Double {
    var configuration = base
    configuration.hyperparameters.merge(trial.parameters) { _, new in new }
    let targetColumn = try dataset.column(named: base.target)
    let stratify: [Int]? = configuration.resolvedTask(for: targetColumn) == .classification
      ? try LabelEncoder.fit(targetColumn).encode(targetColumn) : nil
    let parts: [(train: [Int], validation: [Int])]
    switch scoring {
    case .holdout(let fraction):
      let split = try DataSplitter.trainTest(count: dataset.rowCount, testFraction: fraction, seed: seed, stratifyBy: stratify)
      parts = [(split.train, split.test)]
    case .crossValidation(let folds):
      parts = try DataSplitter.kFold(count: dataset.rowCount, folds: folds, seed: seed, stratifyBy: stratify).map { ($0.train, $0.validation) }
    }
    var total = 0.0
    for part in parts {
      let artifact = try Trainer.train(configuration, on: dataset.rows(part.train), scoreTrainingRows: false)
      let scores = try artifact.evaluate(on: dataset.rows(part.validation))
      guard let value = scores[objective.rawValue] else {
        throw TrainingError(.invalidArgument, "the objective '\(objective.rawValue)' doesn't apply to \(artifact.task.rawValue)")
      }
      total += value
    }
    return total / Double(parts.count)
  }
}
