import Foundation

/// Probability calibration of ``SVM``, after libsvm (`svm_binary_svc_probability`, `sigmoid_train`,
/// `multiclass_probability`), which scikit-learn's `SVC(probability=True)` runs.
extension SVM {
  /// Platt's sigmoid of one binary machine: P(positive class | f) = 1 / (1 + exp(a·f + b)).
  public struct Sigmoid: Sendable, Codable, Equatable {
    /// The slope (negative when larger decision values mean the positive class).
    public var a: Double
    /// The offset.
    public var b: Double

    /// P(positive class) for decision value `f`, computed without overflow.
    public func probability(_ f: Double) -> Double {
      let z = a * f + b
      return z >= 0 ? exp(-z) / (1 + exp(-z)) : 1 / (1 + exp(z))
    }
  }

  /// Cross-validation folds used to calibrate, as libsvm.
  static let calibrationFolds = 5

  /// Fits a machine's sigmoid on decision values that each row got from a machine trained without it
  /// (5-fold cross-validation over the problem's rows, shuffled with `seed`), so the sigmoid sees honest margins.
  static func calibrate(rows: [Int], labels: [Double], space: KernelSpace, c: Double, tolerance: Double,
                        maxIterations: Int, seed: UInt64) -> Sigmoid {
    let m = rows.count
    var generator = SeededGenerator(seed: seed, stream: 0x5EED)
    var order = Array(0..<m)
    for i in 0..<max(0, m - 1) { order.swapAt(i, i + generator.nextInt(below: m - i)) }
    var decisions = [Double](repeating: 0, count: m)
    for fold in 0..<calibrationFolds {
      let start = fold * m / calibrationFolds, end = (fold + 1) * m / calibrationFolds
      let held = order[start..<end]
      let train = Array(order[..<start] + order[end...])
      let positives = train.reduce(0) { $0 + (labels[$1] > 0 ? 1 : 0) }
      if positives == 0 || positives == train.count {
        // One class only in this fold's training rows: libsvm's fixed decision.
        for t in held { decisions[t] = train.isEmpty ? 0 : (positives == 0 ? -1 : 1) }
        continue
      }
      let kernel = space.rows(train.map { rows[$0] })
      let solution = SVMSolver(kernel: kernel, y: train.map { labels[$0] }, c: c, tolerance: tolerance,
                               maxIterations: maxIterations).solve()
      for t in held {
        var sum = -solution.rho
        for (k, i) in train.enumerated() where solution.alpha[k] > 0 {
          sum += solution.alpha[k] * labels[i] * space.value(rows[t], rows[i])
        }
        decisions[t] = sum
      }
    }
    return fitSigmoid(decisions, labels)
  }

  /// Platt's method with Lin, Lin and Weng's Newton iteration and backtracking line search (libsvm's `sigmoid_train`).
  static func fitSigmoid(_ f: [Double], _ labels: [Double]) -> Sigmoid {
    let prior1 = Double(labels.filter { $0 > 0 }.count), prior0 = Double(labels.count) - prior1
    let hiTarget = (prior1 + 1) / (prior1 + 2), loTarget = 1 / (prior0 + 2)
    let t = labels.map { $0 > 0 ? hiTarget : loTarget }
    var a = 0.0, b = log((prior0 + 1) / (prior1 + 1))
    func objective(_ a: Double, _ b: Double) -> Double {
      var value = 0.0
      for i in f.indices {
        let z = f[i] * a + b
        value += z >= 0 ? t[i] * z + log(1 + exp(-z)) : (t[i] - 1) * z + log(1 + exp(z))
      }
      return value
    }
    var value = objective(a, b)
    for _ in 0..<100 {
      var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
      for i in f.indices {
        let z = f[i] * a + b
        let (p, q) = z >= 0 ? (exp(-z) / (1 + exp(-z)), 1 / (1 + exp(-z))) : (1 / (1 + exp(z)), exp(z) / (1 + exp(z)))
        let d2 = p * q
        h11 += f[i] * f[i] * d2
        h22 += d2
        h21 += f[i] * d2
        let d1 = t[i] - p
        g1 += f[i] * d1
        g2 += d1
      }
      if abs(g1) < 1e-5, abs(g2) < 1e-5 { break }
      let det = h11 * h22 - h21 * h21
      let dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det
      let gd = g1 * dA + g2 * dB
      var step = 1.0
      while step >= 1e-10 {
        let newA = a + step * dA, newB = b + step * dB
        let newValue = objective(newA, newB)
        if newValue < value + 1e-4 * step * gd {
          a = newA; b = newB; value = newValue
          break
        }
        step /= 2
      }
      if step < 1e-10 { break }  // the line search failed: keep the last good sigmoid
    }
    return Sigmoid(a: a, b: b)
  }

  /// Class probabilities from every machine's sigmoid, `n × classCount`.
  func calibratedProbabilities(_ decisions: Matrix) -> Matrix {
    var out = Matrix(rows: decisions.rows, columns: classCount)
    let minimum = 1e-7
    for row in 0..<decisions.rows {
      if multiclass == "ovr" && classCount > 2 {
        var total = 0.0
        for (m, machine) in machines.enumerated() {
          let p = min(max(machine.sigmoid!.probability(decisions[row, m]), minimum), 1 - minimum)
          out[row, machine.positive] = p
          total += p
        }
        for c in 0..<classCount { out[row, c] /= total }
        continue
      }
      // r[i][j] = P(class i | class i or j).
      var r = [[Double]](repeating: [Double](repeating: 0, count: classCount), count: classCount)
      for (m, machine) in machines.enumerated() {
        let p = min(max(machine.sigmoid!.probability(decisions[row, m]), minimum), 1 - minimum)
        r[machine.positive][machine.negative] = p
        r[machine.negative][machine.positive] = 1 - p
      }
      let p = classCount == 2 ? [r[0][1], r[1][0]] : Self.couple(r)
      for c in 0..<classCount { out[row, c] = p[c] }
    }
    return out
  }

  /// Pairwise coupling (Wu, Lin and Weng 2004, method 2; libsvm's `multiclass_probability`): the class
  /// probabilities p minimising Σᵢ Σⱼ≠ᵢ (rⱼᵢ pᵢ − rᵢⱼ pⱼ)² subject to Σ p = 1.
  static func couple(_ r: [[Double]]) -> [Double] {
    let k = r.count
    var p = [Double](repeating: 1 / Double(k), count: k)
    var q = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for t in 0..<k {
      for j in 0..<t {
        q[t][t] += r[j][t] * r[j][t]
        q[t][j] = q[j][t]
      }
      for j in (t + 1)..<max(t + 1, k) {
        q[t][t] += r[j][t] * r[j][t]
        q[t][j] = -r[j][t] * r[t][j]
      }
    }
    var qp = [Double](repeating: 0, count: k)
    let epsilon = 0.005 / Double(k)
    for _ in 0..<max(100, k) {
      var pqp = 0.0
      for t in 0..<k {
        qp[t] = 0
        for j in 0..<k { qp[t] += q[t][j] * p[j] }
        pqp += p[t] * qp[t]
      }
      if (0..<k).allSatisfy({ abs(qp[$0] - pqp) < epsilon }) { break }
      for t in 0..<k {
        let diff = (-qp[t] + pqp) / q[t][t]
        p[t] += diff
        pqp = (pqp + diff * (diff * q[t][t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
        for j in 0..<k {
          qp[j] = (qp[j] + diff * q[t][j]) / (1 + diff)
          p[j] /= 1 + diff
        }
      }
    }
    return p
  }
}

/// The RBF kernel over all training rows: single values, or the rows of a sub-problem (``KernelRows``).
struct KernelSpace {
  let data: UnsafeBufferPointer<Double>
  let features: Int
  let norms: [Double]
  let gamma: Double
  let gram: UnsafeBufferPointer<Float>?
  let fullCount: Int

  /// K(x_a, x_b) for training rows `a` and `b` (from the kernel matrix when there is one, so it agrees with the solver).
  func value(_ a: Int, _ b: Int) -> Double {
    if let gram { return Double(gram[a * fullCount + b]) }
    let base = data.baseAddress!
    let d = max(0, norms[a] + norms[b] - 2 * Kernels.dot(base + a * features, base + b * features, features))
    return Double(Float(exp(-gamma * d)))
  }

  /// The kernel rows of a sub-problem over training rows `indices`.
  func rows(_ indices: [Int]) -> KernelRows {
    KernelRows(data: data, features: features, indices: indices, norms: norms, gamma: gamma, gram: gram, fullCount: fullCount)
  }
}
