/// The SMO solver of one binary C-SVC problem, after libsvm's `Solver`: second-order working-set
/// selection (WSS2, Fan, Chen and Lin 2005), no shrinking.
struct SVMSolver {
  /// Kernel rows of the sub-problem: `row(i)[k] = K(x_i, x_k)`.
  let kernel: KernelRows
  /// Labels, +1 or −1.
  let y: [Double]
  let c: Double
  let tolerance: Double
  let maxIterations: Int

  struct Solution {
    /// Dual coefficients αᵢ (0 ≤ αᵢ ≤ C).
    var alpha: [Double]
    /// The bias: f(x) = Σ αᵢ yᵢ K(xᵢ, x) − rho.
    var rho: Double
    var iterations: Int
  }

  func solve() -> Solution {
    let m = y.count
    var alpha = [Double](repeating: 0, count: m)
    var gradient = [Double](repeating: -1, count: m)
    let diagonal = (0..<m).map { kernel.diagonal($0) }
    let tau = 1e-12
    var iteration = 0
    while iteration < maxIterations {
      // Select i: the most violating index in I_up.
      var gMax = -Double.infinity, i = -1
      for t in 0..<m {
        if y[t] > 0 {
          if alpha[t] < c, -gradient[t] >= gMax { gMax = -gradient[t]; i = t }
        } else if alpha[t] > 0, gradient[t] >= gMax { gMax = gradient[t]; i = t }
      }
      guard i >= 0 else { break }
      let rowI = kernel.row(i)
      var gMax2 = -Double.infinity, j = -1, bestObjective = Double.infinity
      for t in 0..<m {
        if y[t] > 0 {
          guard alpha[t] > 0 else { continue }
          let gradDiff = gMax + gradient[t]
          if gradient[t] >= gMax2 { gMax2 = gradient[t] }
          if gradDiff > 0 {
            let quad = diagonal[i] + diagonal[t] - 2 * Double(rowI[t])
            let q = quad > 0 ? quad : tau
            let objective = -(gradDiff * gradDiff) / q
            if objective <= bestObjective { j = t; bestObjective = objective }
          }
        } else {
          guard alpha[t] < c else { continue }
          let gradDiff = gMax - gradient[t]
          if -gradient[t] >= gMax2 { gMax2 = -gradient[t] }
          if gradDiff > 0 {
            let quad = diagonal[i] + diagonal[t] - 2 * Double(rowI[t])
            let q = quad > 0 ? quad : tau
            let objective = -(gradDiff * gradDiff) / q
            if objective <= bestObjective { j = t; bestObjective = objective }
          }
        }
      }
      if gMax + gMax2 < tolerance || j < 0 { break }
      iteration += 1
      let rowJ = kernel.row(j)
      let kij = Double(rowI[j])
      let oldI = alpha[i], oldJ = alpha[j]
      if y[i] != y[j] {
        var quad = diagonal[i] + diagonal[j] - 2 * kij
        if quad <= 0 { quad = tau }
        let delta = (-gradient[i] - gradient[j]) / quad
        let diff = alpha[i] - alpha[j]
        alpha[i] += delta; alpha[j] += delta
        if diff > 0 {
          if alpha[j] < 0 { alpha[j] = 0; alpha[i] = diff }
        } else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = -diff }
        if diff > 0 {
          if alpha[i] > c { alpha[i] = c; alpha[j] = c - diff }
        } else if alpha[j] > c { alpha[j] = c; alpha[i] = c + diff }
      } else {
        var quad = diagonal[i] + diagonal[j] - 2 * kij
        if quad <= 0 { quad = tau }
        let delta = (gradient[i] - gradient[j]) / quad
        let sum = alpha[i] + alpha[j]
        alpha[i] -= delta; alpha[j] += delta
        if sum > c {
          if alpha[i] > c { alpha[i] = c; alpha[j] = sum - c }
        } else if alpha[j] < 0 { alpha[j] = 0; alpha[i] = sum }
        if sum > c {
          if alpha[j] > c { alpha[j] = c; alpha[i] = sum - c }
        } else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = sum }
      }
      // G_k += Q_ik Δα_i + Q_jk Δα_j, with Q_ik = y_i y_k K_ik.
      let di = (alpha[i] - oldI) * y[i], dj = (alpha[j] - oldJ) * y[j]
      for k in 0..<m { gradient[k] += y[k] * (di * Double(rowI[k]) + dj * Double(rowJ[k])) }
    }
    return Solution(alpha: alpha, rho: Self.rho(alpha: alpha, gradient: gradient, y: y, c: c), iterations: iteration)
  }

  static func rho(alpha: [Double], gradient: [Double], y: [Double], c: Double) -> Double {
    var free = 0, sumFree = 0.0, upper = Double.infinity, lower = -Double.infinity
    for t in 0..<y.count {
      let yG = y[t] * gradient[t]
      if alpha[t] >= c {
        if y[t] < 0 { upper = min(upper, yG) } else { lower = max(lower, yG) }
      } else if alpha[t] <= 0 {
        if y[t] > 0 { upper = min(upper, yG) } else { lower = max(lower, yG) }
      } else {
        free += 1
        sumFree += yG
      }
    }
    return free > 0 ? sumFree / Double(free) : (upper + lower) / 2
  }
}
