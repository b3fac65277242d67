import Foundation

/// Hyperparameters of ``SVM`` (the names and defaults of scikit-learn's `SVC`).
public struct SVMParameters: HyperparameterSet {
  /// Penalty of margin violations (`C`, > 0).
  public var c: Double
  /// RBF width: a number, or `scale` (1 / (features · variance of X)) or `auto` (1 / features).
  public var gamma: ParameterValue
  /// Stopping tolerance of the SMO solver (`tol`).
  public var tolerance: Double
  /// SMO iterations per binary problem; 0 means no limit (`max_iter`).
  public var maxIterations: Int
  /// `ovo` (one binary SVM per pair of classes, voting) or `ovr` (one per class against the rest).
  public var multiclass: String
  /// Calibrated probabilities (`probability`, default `true`, unlike scikit-learn's `False`: flow always answers
  /// probabilities): Platt scaling fitted on 5-fold cross-validated decision values, as `SVC(probability=True)`.
  /// With `false`, training skips those five extra fits per binary machine and the "probabilities" are vote shares.
  public var probability: Bool
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads `C`, `gamma`, `tol`, `max_iter`, `multiclass`, `probability`.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    var given = values
    let gamma = given.removeValue(forKey: "gamma") ?? .string("scale")
    switch gamma {
    case .string("scale"), .string("auto"): break
    case let value where (value.number ?? 0) > 0: break
    default:
      throw TrainingError(.invalidHyperparameter, "svm: 'gamma' must be 'scale', 'auto' or a number > 0, got '\(gamma)'")
    }
    var reader = ParameterReader(.svm, given)
    c = try reader.double("C", 1.0, above: 0)
    tolerance = try reader.double("tol", 1e-3, above: 0)
    maxIterations = try reader.int("max_iter", 0, min: 0)
    multiclass = try reader.string("multiclass", "ovo", allowed: ["ovo", "ovr"])
    probability = try reader.bool("probability", true)
    try reader.finish()
    self.gamma = gamma
    var resolved = reader.resolved
    resolved["gamma"] = gamma
    self.values = resolved
  }
}

/// A support vector classifier with an RBF kernel, trained by SMO (``SVMSolver``).
///
/// Multiclass problems are split into binary ones: one per pair of classes with majority voting
/// (`ovo`, as libsvm and scikit-learn), or one per class against the rest (`ovr`). Binary problems
/// are solved on both cores, and when the training set is small enough its whole kernel matrix is
/// computed once and shared.
///
/// With `probability` (the default) each binary machine also gets a Platt sigmoid fitted on decision values
/// from 5-fold cross-validation, and ``predict(_:)`` returns calibrated probabilities: pairwise coupling of the
/// machines' probabilities (`ovo`, Wu, Lin and Weng's method, as libsvm and scikit-learn's `SVC(probability=True)`)
/// or the normalised one-vs-rest probabilities (`ovr`). Without it (or for an artifact saved before calibration
/// existed, whose machines have no sigmoid) it returns vote shares (`ovo`) or softmaxed decision values (`ovr`).
public struct SVM: Model, Equatable {
  public typealias Parameters = SVMParameters
  /// ``Algorithm/svm``.
  public static let algorithm = Algorithm.svm

  /// One binary decision function f(x) = Σ coefficients[k] · K(sv[k], x) − rho.
  public struct Machine: Sendable, Codable, Equatable {
    /// The class voted for when f(x) > 0.
    public var positive: Int
    /// The class voted for otherwise (−1 for "the rest" in `ovr`).
    public var negative: Int
    /// Rows of ``SVM/supportVectors`` used.
    public var supportIndices: [Int]
    /// αᵢ·yᵢ of each support vector.
    public var coefficients: [Double]
    /// The bias.
    public var rho: Double
    /// Platt's sigmoid for this machine's decision values; `nil` when trained without `probability`.
    public var sigmoid: Sigmoid?
  }

  /// Distinct support vectors of all machines, row-major.
  public var supportVectors: Matrix
  /// The binary machines.
  public var machines: [Machine]
  /// The RBF width used.
  public var gamma: Double
  /// Number of classes.
  public var classCount: Int
  /// `ovo` or `ovr`.
  public var multiclass: String

  /// Trains on class targets.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for regression targets or empty data.
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> SVM {
    try requireRows(x, target)
    guard case .classes(let y, let classCount) = target else { throw unsupported("regression targets") }
    let gamma = Self.gamma(parameters.gamma, x)
    let n = x.rows
    let norms = KernelRows.squaredNorms(x)
    // The whole kernel matrix pays off when it fits in 256 MB; beyond that rows are computed on demand.
    let gram: [Float]? = n * n * 4 <= 256 << 20 ? KernelRows.gramMatrix(x, norms: norms, gamma: gamma) : nil
    var problems: [(positive: Int, negative: Int, rows: [Int])] = []
    if parameters.multiclass == "ovo" || classCount == 2 {
      var byClass = [[Int]](repeating: [], count: classCount)
      for (row, label) in y.enumerated() { byClass[label].append(row) }
      for a in 0..<classCount { for b in (a + 1)..<max(a + 1, classCount) { problems.append((a, b, (byClass[a] + byClass[b]).sorted())) } }
    } else {
      for a in 0..<classCount { problems.append((a, -1, Array(0..<n))) }
    }
    var solutions = [SVMSolver.Solution?](repeating: nil, count: problems.count)
    var sigmoids = [Sigmoid?](repeating: nil, count: problems.count)
    let maxIterations = parameters.maxIterations > 0 ? parameters.maxIterations : max(10_000_000, 100 * n)
    let done = Counter()
    x.values.withUnsafeBufferPointer { xs in
      let solve = { (gramPointer: UnsafeBufferPointer<Float>?) in
        solutions.withUnsafeMutableBufferPointer { out in
          sigmoids.withUnsafeMutableBufferPointer { calibrated in
            Parallel.forEach(problems.count) { k in
              let problem = problems[k]
              let kernel = KernelRows(data: xs, features: x.columns, indices: problem.rows, norms: norms, gamma: gamma,
                                      gram: gramPointer, fullCount: n)
              let labels = problem.rows.map { y[$0] == problem.positive ? 1.0 : -1.0 }
              out[k] = SVMSolver(kernel: kernel, y: labels, c: parameters.c, tolerance: parameters.tolerance,
                                 maxIterations: maxIterations).solve()
              if parameters.probability {
                let space = KernelSpace(data: xs, features: x.columns, norms: norms, gamma: gamma, gram: gramPointer, fullCount: n)
                calibrated[k] = Self.calibrate(rows: problem.rows, labels: labels, space: space, c: parameters.c,
                                               tolerance: parameters.tolerance, maxIterations: maxIterations, seed: UInt64(k))
              }
              progress?(TrainingProgress(iteration: done.increment(), total: problems.count))
            }
          }
        }
      }
      if let gram { gram.withUnsafeBufferPointer { solve($0) } } else { solve(nil) }
    }
    // Collect the distinct support vectors, in training-row order.
    var isSupport = [Bool](repeating: false, count: n)
    for (problem, solution) in zip(problems, solutions) {
      for (k, row) in problem.rows.enumerated() where solution!.alpha[k] > 0 { isSupport[row] = true }
    }
    let supportRows = (0..<n).filter { isSupport[$0] }
    let position = Dictionary(uniqueKeysWithValues: supportRows.enumerated().map { ($1, $0) })
    let machines = zip(zip(problems, solutions), sigmoids).map { pair, sigmoid -> Machine in
      let (problem, solution) = pair
      var indices: [Int] = [], coefficients: [Double] = []
      for (k, row) in problem.rows.enumerated() where solution!.alpha[k] > 0 {
        indices.append(position[row]!)
        coefficients.append(solution!.alpha[k] * (y[row] == problem.positive ? 1 : -1))
      }
      return Machine(positive: problem.positive, negative: problem.negative, supportIndices: indices,
                     coefficients: coefficients, rho: solution!.rho, sigmoid: sigmoid)
    }
    return SVM(supportVectors: x.rows(supportRows), machines: machines, gamma: gamma, classCount: classCount,
               multiclass: classCount == 2 ? "ovo" : parameters.multiclass)
  }

  static func gamma(_ value: ParameterValue, _ x: Matrix) -> Double {
    switch value {
    case .string("auto"): return 1 / Double(max(1, x.columns))
    case .string: // scale
      let mean = x.values.reduce(0, +) / Double(max(1, x.values.count))
      let variance = x.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, x.values.count))
      return variance > 0 ? 1 / (Double(x.columns) * variance) : 1
    default: return value.number!
    }
  }

  /// The decision value of every machine for every row: `n × machines.count`.
  public func decisionValues(_ x: Matrix) -> Matrix {
    let svCount = supportVectors.rows, p = supportVectors.columns
    let svNorms = KernelRows.squaredNorms(supportVectors)
    var out = Matrix(rows: x.rows, columns: machines.count)
    x.values.withUnsafeBufferPointer { xs in
      supportVectors.values.withUnsafeBufferPointer { sv in
        out.values.withUnsafeMutableBufferPointer { o in
          Parallel.forChunks(x.rows, size: 64) { rows in
            var k = [Double](repeating: 0, count: svCount)
            for r in rows {
              let row = xs.baseAddress! + r * p
              let norm = Kernels.dot(row, row, p)
              for s in 0..<svCount {
                k[s] = exp(-gamma * max(0, norm + svNorms[s] - 2 * Kernels.dot(row, sv.baseAddress! + s * p, p)))
              }
              for (m, machine) in machines.enumerated() {
                var sum = -machine.rho
                for (index, coefficient) in zip(machine.supportIndices, machine.coefficients) { sum += coefficient * k[index] }
                o[r * machines.count + m] = sum
              }
            }
          }
        }
      }
    }
    return out
  }

  /// Calibrated probabilities when every machine has a sigmoid; otherwise vote shares (`ovo`) or softmaxed
  /// decision values (`ovr`). `n × classCount`.
  public func predict(_ x: Matrix) -> Matrix {
    let decisions = decisionValues(x)
    if machines.allSatisfy({ $0.sigmoid != nil }) { return calibratedProbabilities(decisions) }
    var out = Matrix(rows: x.rows, columns: classCount)
    for r in 0..<x.rows {
      if multiclass == "ovr" {
        var z = (0..<classCount).map { decisions[r, $0] }
        z.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, classCount) }
        for c in 0..<classCount { out[r, c] = z[c] }
      } else if classCount == 2 {
        let p0 = Kernels.sigmoid(decisions[r, 0])
        out[r, 0] = p0
        out[r, 1] = 1 - p0
      } else {
        for (m, machine) in machines.enumerated() {
          out[r, decisions[r, m] > 0 ? machine.positive : machine.negative] += 1 / Double(machines.count)
        }
      }
    }
    return out
  }
}
