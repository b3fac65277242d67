/// A named metric, as used for tuning objectives and in model artifacts.
public enum Metric: String, Sendable, Codable, Hashable, CaseIterable {
  /// Share of rows predicted correctly.
  case accuracy
  /// Mean per-class recall.
  case balancedAccuracy = "balanced_accuracy"
  /// Unweighted mean F1 over classes.
  case f1Macro = "f1_macro"
  /// Support-weighted mean F1.
  case f1Weighted = "f1_weighted"
  /// Mean negative log-likelihood.
  case logLoss = "log_loss"
  /// Area under the ROC curve (one-vs-rest macro for more than two classes).
  case rocAUC = "roc_auc"
  /// Root mean squared error.
  case rmse
  /// Mean absolute error.
  case mae
  /// Coefficient of determination.
  case r2

  /// Whether larger values are better.
  public var higherIsBetter: Bool {
    switch self {
    case .logLoss, .rmse, .mae: false
    default: true
    }
  }

  /// Whether it applies to classification (else regression).
  public var isClassification: Bool {
    switch self {
    case .rmse, .mae, .r2: false
    default: true
    }
  }

  /// Parses a metric name such as `f1_macro`.
  /// - Throws: ``TrainingError`` (`invalid-argument`) listing the known names.
  public static func named(_ name: String) throws -> Metric {
    guard let metric = Metric(rawValue: name) else {
      throw TrainingError(.invalidArgument, "unknown metric '\(name)' (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return metric
  }
}
