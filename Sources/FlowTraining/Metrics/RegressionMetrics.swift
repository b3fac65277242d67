/// Regression metrics: RMSE, MAE and R².
public enum RegressionMetrics {
  /// Root mean squared error.
  public static func rmse(_ truth: [Double], _ predicted: [Double]) -> Double {
    precondition(truth.count == predicted.count && !truth.isEmpty)
    return (zip(truth, predicted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(truth.count)).squareRoot()
  }

  /// Mean absolute error.
  public static func mae(_ truth: [Double], _ predicted: [Double]) -> Double {
    precondition(truth.count == predicted.count && !truth.isEmpty)
    return zip(truth, predicted).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(truth.count)
  }

  /// Coefficient of determination, 1 − SS_res / SS_tot (1 for a perfect fit of constant truth, 0 otherwise, as scikit-learn).
  public static func r2(_ truth: [Double], _ predicted: [Double]) -> Double {
    precondition(truth.count == predicted.count && !truth.isEmpty)
    let mean = truth.reduce(0, +) / Double(truth.count)
    let total = truth.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    let residual = zip(truth, predicted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    if total == 0 { return residual == 0 ? 1 : 0 }
    return 1 - residual / total
  }
}
