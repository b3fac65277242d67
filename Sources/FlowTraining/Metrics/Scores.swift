/// Every applicable ``Metric`` of a set of predictions, by metric name.
public enum Scores {
  /// Classification metrics: accuracy, balanced accuracy, macro and weighted F1, log loss and ROC AUC
  /// (the last one only when every class is present).
  public static func classification(truth: [Int], probabilities: Matrix) -> [String: Double] {
    let predicted = probabilities.argmaxRows()
    let perClass = ClassificationMetrics.perClass(truth, predicted, classCount: probabilities.columns)
    var scores: [String: Double] = [
      Metric.accuracy.rawValue: ClassificationMetrics.accuracy(truth, predicted),
      Metric.balancedAccuracy.rawValue: ClassificationMetrics.balancedAccuracy(truth, predicted, classCount: probabilities.columns),
      Metric.f1Macro.rawValue: ClassificationMetrics.macroAverage(perClass).f1,
      Metric.f1Weighted.rawValue: ClassificationMetrics.weightedAverage(perClass).f1,
      Metric.logLoss.rawValue: ClassificationMetrics.logLoss(truth, probabilities: probabilities),
    ]
    if let auc = ClassificationMetrics.rocAUC(truth, probabilities: probabilities) { scores[Metric.rocAUC.rawValue] = auc }
    return scores
  }

  /// Regression metrics: RMSE, MAE and R².
  public static func regression(truth: [Double], predicted: [Double]) -> [String: Double] {
    [Metric.rmse.rawValue: RegressionMetrics.rmse(truth, predicted),
     Metric.mae.rawValue: RegressionMetrics.mae(truth, predicted),
     Metric.r2.rawValue: RegressionMetrics.r2(truth, predicted)]
  }

  /// The metrics of `model`'s predictions for `x` against `target`.
  public static func of(_ model: AnyModel, x: Matrix, target: Target) -> [String: Double] {
    switch target {
    case .classes(let y, _): classification(truth: y, probabilities: model.predict(x))
    case .values(let y): regression(truth: y, predicted: model.predict(x).column(0))
    }
  }
}
