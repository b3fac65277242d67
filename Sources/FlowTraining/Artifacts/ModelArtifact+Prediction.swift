/// What a model predicts for a set of rows.
public struct Predictions: Sendable, Equatable {
  /// Predicted class labels (classification).
  public var labels: [String]?
  /// Class probabilities, `rows × classes` in ``ModelArtifact/TargetInfo/classes`` order (classification).
  public var probabilities: Matrix?
  /// Predicted values (regression).
  public var values: [Double]?
}

extension ModelArtifact {
  /// Predicts for the rows of `dataset`, which must have the artifact's feature columns (others are ignored).
  /// - Throws: ``TrainingError`` (`feature-mismatch`) naming a missing feature or one of the wrong type.
  public func predict(_ dataset: Dataset) throws -> Predictions {
    let x = try preprocessing.transform(dataset)
    let output = model.predict(x)
    switch task {
    case .classification:
      let classes = target.classes ?? []
      return Predictions(labels: output.argmaxRows().map { classes[$0] }, probabilities: output, values: nil)
    case .regression:
      return Predictions(labels: nil, probabilities: nil, values: output.column(0))
    }
  }

  /// Scores the model on `dataset`, which must include the target column.
  /// - Returns: Metric values by name (see ``Metric``).
  /// - Throws: ``TrainingError`` (`missing-column`, `feature-mismatch`, or `invalid-argument` for an unknown class label).
  public func evaluate(on dataset: Dataset) throws -> [String: Double] {
    let column = try dataset.column(named: target.name)
    let x = try preprocessing.transform(dataset)
    switch task {
    case .classification:
      let labels = try LabelEncoder(classes: target.classes ?? []).encode(column)
      return Scores.of(model, x: x, target: .classes(labels, classCount: target.classes?.count ?? 0))
    case .regression:
      return Scores.of(model, x: x, target: .values(try Trainer.regressionTargets(column)))
    }
  }
}
