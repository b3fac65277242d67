import Foundation

/// Hyperparameters of ``LogisticRegression`` (the names and defaults of scikit-learn's `LogisticRegression`).
public struct LogisticRegressionParameters: HyperparameterSet {
  /// Inverse L2 regularisation strength (`C`, > 0); smaller means stronger regularisation.
  public var c: Double
  /// Maximum L-BFGS iterations (`max_iter`).
  public var maxIterations: Int
  /// Convergence tolerance on the largest gradient component (`tol`).
  public var tolerance: Double
  /// Whether to learn intercepts (`fit_intercept`).
  public var fitIntercept: Bool
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads `C`, `max_iter`, `tol`, `fit_intercept`.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    var reader = ParameterReader(.logisticRegression, values)
    c = try reader.double("C", 1.0, above: 0)
    maxIterations = try reader.int("max_iter", 100, min: 1)
    tolerance = try reader.double("tol", 1e-4, above: 0)
    fitIntercept = try reader.bool("fit_intercept", true)
    try reader.finish()
    self.values = reader.resolved
  }
}

/// Binary and multinomial logistic regression with L2 regularisation, fitted by L-BFGS.
///
/// Minimises the mean log loss plus `‖W‖² / (2·C·n)` (intercepts are not penalised), which has the
/// same optimum as scikit-learn's `C·Σ loss + ½‖W‖²`. Two classes use one weight vector and the
/// sigmoid; more use one per class and the softmax. The gradient is computed on both cores.
public struct LogisticRegression: Model, Equatable {
  public typealias Parameters = LogisticRegressionParameters
  /// ``Algorithm/logisticRegression``.
  public static let algorithm = Algorithm.logisticRegression

  /// Weights, `outputs × features`, row-major.
  public var weights: [Double]
  /// One intercept per output.
  public var intercepts: [Double]
  /// Number of classes.
  public var classCount: Int
  /// Number of features.
  public var featureCount: Int

  /// Trains on class targets.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for regression targets or empty data.
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> LogisticRegression {
    try requireRows(x, target)
    guard case .classes(let y, let classCount) = target else { throw unsupported("regression targets") }
    let outputs = classCount == 2 ? 1 : classCount
    let p = x.columns, n = x.rows
    let stride = p + 1
    let penalty = 1 / (parameters.c * Double(n))
    let chunkSize = 4096
    let chunks = (n + chunkSize - 1) / chunkSize
    var partialGradients = [Double](repeating: 0, count: chunks * outputs * stride)
    var partialLosses = [Double](repeating: 0, count: chunks)

    func objective(_ theta: [Double], _ gradient: inout [Double]) -> Double {
      x.values.withUnsafeBufferPointer { xs in
        theta.withUnsafeBufferPointer { th in
          partialGradients.withUnsafeMutableBufferPointer { pg in
            partialLosses.withUnsafeMutableBufferPointer { pl in
              Parallel.forEach(chunks) { chunk in
                let grad = pg.baseAddress! + chunk * outputs * stride
                grad.update(repeating: 0, count: outputs * stride)
                var z = [Double](repeating: 0, count: outputs)
                var loss = 0.0
                for i in (chunk * chunkSize)..<min(n, (chunk + 1) * chunkSize) {
                  let row = xs.baseAddress! + i * p
                  for c in 0..<outputs { z[c] = th[c * stride + p] + Kernels.dot(th.baseAddress! + c * stride, row, p) }
                  if outputs == 1 {
                    let sign = y[i] == 1 ? 1.0 : -1.0
                    loss += Kernels.softplus(-sign * z[0])
                    let residual = Kernels.sigmoid(z[0]) - (y[i] == 1 ? 1 : 0)
                    Kernels.axpy(residual, row, grad, p)
                    grad[p] += residual
                  } else {
                    let top = z.max()!
                    var sum = 0.0
                    for c in 0..<outputs { sum += exp(z[c] - top) }
                    loss += log(sum) + top - z[y[i]]
                    for c in 0..<outputs {
                      let residual = exp(z[c] - top) / sum - (c == y[i] ? 1 : 0)
                      Kernels.axpy(residual, row, grad + c * stride, p)
                      grad[c * stride + p] += residual
                    }
                  }
                }
                pl[chunk] = loss
              }
            }
          }
        }
      }
      // Reduce in chunk order so the result doesn't depend on thread scheduling.
      for k in 0..<gradient.count { gradient[k] = 0 }
      var loss = 0.0
      for chunk in 0..<chunks {
        loss += partialLosses[chunk]
        for k in 0..<gradient.count { gradient[k] += partialGradients[chunk * outputs * stride + k] }
      }
      let invN = 1 / Double(n)
      loss *= invN
      for k in 0..<gradient.count { gradient[k] *= invN }
      for c in 0..<outputs {
        for j in 0..<p {
          let w = theta[c * stride + j]
          loss += 0.5 * penalty * w * w
          gradient[c * stride + j] += penalty * w
        }
        if !parameters.fitIntercept { gradient[c * stride + p] = 0 }
      }
      return loss
    }

    let optimizer = LBFGS(maxIterations: parameters.maxIterations, gradientTolerance: parameters.tolerance)
    let result = optimizer.minimize([Double](repeating: 0, count: outputs * stride), objective) { iteration, loss in
      progress?(TrainingProgress(iteration: iteration, total: parameters.maxIterations, metrics: ["loss": loss]))
    }
    var weights = [Double](), intercepts = [Double]()
    for c in 0..<outputs {
      weights.append(contentsOf: result.x[(c * stride)..<(c * stride + p)])
      intercepts.append(result.x[c * stride + p])
    }
    return LogisticRegression(weights: weights, intercepts: intercepts, classCount: classCount, featureCount: p)
  }

  /// Class probabilities, `n × classCount`.
  public func predict(_ x: Matrix) -> Matrix {
    let outputs = intercepts.count
    var out = Matrix(rows: x.rows, columns: classCount)
    x.values.withUnsafeBufferPointer { xs in
      weights.withUnsafeBufferPointer { w in
        out.values.withUnsafeMutableBufferPointer { o in
          for i in 0..<x.rows {
            let row = xs.baseAddress! + i * featureCount
            if outputs == 1 {
              let p1 = Kernels.sigmoid(intercepts[0] + Kernels.dot(w.baseAddress!, row, featureCount))
              o[i * 2] = 1 - p1
              o[i * 2 + 1] = p1
            } else {
              let z = o.baseAddress! + i * classCount
              for c in 0..<outputs { z[c] = intercepts[c] + Kernels.dot(w.baseAddress! + c * featureCount, row, featureCount) }
              Kernels.softmax(z, classCount)
            }
          }
        }
      }
    }
    return out
  }
}
