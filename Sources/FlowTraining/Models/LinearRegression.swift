import Foundation

/// Hyperparameters of ``LinearRegression``: `alpha` (L2 penalty; 0 for ordinary least squares) and `fit_intercept`.
public struct LinearRegressionParameters: HyperparameterSet {
  /// L2 penalty (`alpha`, ≥ 0); ``Algorithm/ridge`` defaults it to 1, ``Algorithm/linearRegression`` fixes it at 0.
  public var alpha: Double
  /// Whether to learn an intercept (`fit_intercept`).
  public var fitIntercept: Bool
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads `alpha` and `fit_intercept` for ridge (`alpha` defaults to 1).
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    try self.init(values, algorithm: .ridge)
  }

  /// Reads the hyperparameters of `linear_regression` (no `alpha`) or `ridge`.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue], algorithm: Algorithm) throws {
    var reader = ParameterReader(algorithm, values)
    alpha = algorithm == .ridge ? try reader.double("alpha", 1, min: 0) : 0
    fitIntercept = try reader.bool("fit_intercept", true)
    try reader.finish()
    self.values = reader.resolved
  }
}

/// Linear least squares with an optional L2 penalty (ridge), solved exactly by Cholesky
/// decomposition of the normal equations on centred data (the intercept is not penalised).
public struct LinearRegression: Model, Equatable {
  public typealias Parameters = LinearRegressionParameters
  /// ``Algorithm/ridge`` (``Algorithm/linearRegression`` is the same model with `alpha = 0`).
  public static let algorithm = Algorithm.ridge

  /// One weight per feature.
  public var weights: [Double]
  /// The intercept.
  public var intercept: Double

  /// Fits real-valued targets.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for class targets, empty data, or a singular
  ///   system (collinear features with `alpha = 0`: use ridge).
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> LinearRegression {
    try requireRows(x, target)
    guard case .values(let y) = target else { throw unsupported("class targets (use logistic_regression)") }
    let n = x.rows, p = x.columns
    var means = [Double](repeating: 0, count: p)
    var yMean = 0.0
    if parameters.fitIntercept {
      for r in 0..<n { for c in 0..<p { means[c] += x[r, c] } }
      for c in 0..<p { means[c] /= Double(n) }
      yMean = y.reduce(0, +) / Double(n)
    }
    // Gram matrix XᵀX and Xᵀy of the centred data.
    var gram = [Double](repeating: 0, count: p * p)
    var xty = [Double](repeating: 0, count: p)
    var centred = [Double](repeating: 0, count: p)
    for r in 0..<n {
      for c in 0..<p { centred[c] = x[r, c] - means[c] }
      let yc = y[r] - yMean
      for a in 0..<p {
        xty[a] += centred[a] * yc
        let ca = centred[a]
        for b in 0...a { gram[a * p + b] += ca * centred[b] }
      }
    }
    for a in 0..<p { gram[a * p + a] += parameters.alpha; for b in 0..<a { gram[b * p + a] = gram[a * p + b] } }
    // Collinear features (one-hot columns with an intercept, duplicated columns) make XᵀX singular;
    // a vanishing ridge then picks a minimum-norm-like solution, as a pseudo-inverse would.
    let trace = (0..<p).reduce(0.0) { $0 + gram[$1 * p + $1] } / Double(max(1, p))
    guard let weights = Cholesky.solve(gram, xty, size: p) ?? {
      var jittered = gram
      for a in 0..<p { jittered[a * p + a] += 1e-10 * max(trace, 1e-300) }
      return Cholesky.solve(jittered, xty, size: p)
    }() else {
      throw TrainingError(.invalidArgument, "linear regression: the system can't be solved (constant features?); use ridge with alpha > 0")
    }
    progress?(TrainingProgress(iteration: 1, total: 1))
    let intercept = yMean - zip(weights, means).reduce(0) { $0 + $1.0 * $1.1 }
    return LinearRegression(weights: weights, intercept: intercept)
  }

  /// Predictions, `n × 1`.
  public func predict(_ x: Matrix) -> Matrix {
    var out = Matrix(rows: x.rows, columns: 1)
    x.values.withUnsafeBufferPointer { xs in
      weights.withUnsafeBufferPointer { w in
        for r in 0..<x.rows { out.values[r] = intercept + Kernels.dot(xs.baseAddress! + r * x.columns, w.baseAddress!, x.columns) }
      }
    }
    return out
  }
}

/// Solves symmetric positive-definite systems.
enum Cholesky {
  /// Solves `A x = b` for symmetric positive-definite `A` (`size × size`, row-major); `nil` if `A` is not.
  static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    let scale = (0..<n).map { a[$0 * n + $0] }.max() ?? 1
    for i in 0..<n {
      for j in 0...i {
        var sum = a[i * n + j]
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        if i == j {
          guard sum > 1e-12 * max(scale, 1e-300) else { return nil }
          l[i * n + i] = sum.squareRoot()
        } else {
          l[i * n + j] = sum / l[j * n + j]
        }
      }
    }
    var z = b
    for i in 0..<n { for k in 0..<i { z[i] -= l[i * n + k] * z[k] }; z[i] /= l[i * n + i] }
    for i in stride(from: n - 1, through: 0, by: -1) { for k in (i + 1)..<max(i + 1, n) { z[i] -= l[k * n + i] * z[k] }; z[i] /= l[i * n + i] }
    return z
  }
}
