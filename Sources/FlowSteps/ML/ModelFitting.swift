import FlowCore
import FlowTraining
import Foundation

/// Fits a model from FlowTraining's public pieces (``Preprocessor``, ``LabelEncoder``, ``AnyModel``) the way
/// ``Trainer`` does, but without scoring the training rows.
///
/// Tuning trials only need the validation score, and the tuned model's refit on train + validation has no held-out
/// rows to score; scoring the training rows (a prediction per training row, as ``Trainer`` always does) would double
/// the cost of each SVM trial.
struct ModelFitting {
  let configuration: TrainingConfiguration
  let preprocessor: Preprocessor
  let encoder: LabelEncoder?
  let model: AnyModel
  let task: TaskKind
  let trainingRows: Int
  let trainingHash: String

  /// - Throws: ``TrainingError`` as ``Trainer/train(_:on:validation:progress:)`` does.
  init(_ configuration: TrainingConfiguration, on dataset: Dataset, progress: ProgressHandler? = nil) throws {
    self.configuration = configuration
    let targetColumn = try dataset.column(named: configuration.target)
    let features = configuration.features ?? dataset.columnNames.filter { $0 != configuration.target }
    preprocessor = try Preprocessor.fit(dataset, features: features, options: configuration.preprocessing)
    let x = try preprocessor.transform(dataset)
    task = configuration.task ?? (!configuration.algorithm.supportsRegression ? .classification
      : !configuration.algorithm.supportsClassification ? .regression
      : ProcessStep.looksLikeClasses(targetColumn) ? .classification : .regression)
    let target: Target
    switch task {
    case .classification:
      let fitted = try LabelEncoder.fit(targetColumn)
      encoder = fitted
      target = .classes(try fitted.encode(targetColumn), classCount: fitted.classes.count)
    case .regression:
      encoder = nil
      guard case .numeric(let values) = targetColumn.values else {
        throw TrainingError(.invalidArgument, "regression needs a numeric target; column '\(targetColumn.name)' holds text")
      }
      target = .values(try values.enumerated().map { row, value in
        guard let value else { throw TrainingError(.invalidArgument, "the target is missing", at: .init(line: row + 2, column: targetColumn.name)) }
        return value
      })
    }
    model = try AnyModel.fit(configuration.algorithm, x: x, target: target, hyperparameters: configuration.hyperparameters,
                             progress: progress)
    trainingRows = dataset.rowCount
    trainingHash = Trainer.fingerprint(try dataset.selecting(features + [configuration.target]))
  }

  /// Every applicable metric on `dataset` (which must have the target column).
  func score(on dataset: Dataset) throws -> [String: Double] {
    let x = try preprocessor.transform(dataset)
    let column = try dataset.column(named: configuration.target)
    if let encoder { return Scores.of(model, x: x, target: .classes(try encoder.encode(column), classCount: encoder.classes.count)) }
    guard case .numeric(let values) = column.values else {
      throw TrainingError(.invalidArgument, "column '\(column.name)' holds text; the model predicts numbers")
    }
    return Scores.of(model, x: x, target: .values(values.map { $0 ?? .nan }))
  }

  /// The model artifact, with `metrics` as its recorded metrics.
  func artifact(metrics: [String: Double]) throws -> ModelArtifact {
    // TargetInfo and TrainingDataInfo have no public initialisers; they are Codable, so build them from JSON.
    let decoder = JSONDecoder()
    let target = try decoder.decode(ModelArtifact.TargetInfo.self, from: try encodeSorted(TargetJSON(name: configuration.target, classes: encoder?.classes)))
    let data = try decoder.decode(ModelArtifact.TrainingDataInfo.self, from: try encodeSorted(TrainingDataJSON(rows: trainingRows, sha256: trainingHash)))
    return ModelArtifact(
      algorithm: configuration.algorithm, task: task,
      hyperparameters: try AnyModel.resolve(configuration.algorithm, configuration.hyperparameters),
      features: preprocessor.features, target: target, preprocessing: preprocessor, trainingData: data, metrics: metrics,
      model: model)
  }

  private struct TargetJSON: Encodable {
    var name: String
    var classes: [String]?
  }

  private struct TrainingDataJSON: Encodable {
    var rows: Int
    var sha256: String
  }
}
