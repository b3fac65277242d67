/// Limited-memory BFGS minimisation of a smooth function, with a backtracking Armijo line search.
struct LBFGS {
  var memory = 10
  var maxIterations = 100
  /// Stop when the largest absolute gradient component is at most this.
  var gradientTolerance = 1e-4

  struct Result {
    var x: [Double]
    var value: Double
    var iterations: Int
    var converged: Bool
  }

  /// Minimises `f`, which returns the value and writes the gradient into its second argument.
  func minimize(_ start: [Double], _ f: ([Double], inout [Double]) -> Double,
                onIteration: ((Int, Double) -> Void)? = nil) -> Result {
    let n = start.count
    var x = start
    var g = [Double](repeating: 0, count: n)
    var value = f(x, &g)
    var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
    var direction = [Double](repeating: 0, count: n)
    var newX = x, newG = g
    var iteration = 0
    while iteration < maxIterations {
      if Self.maxAbs(g) <= gradientTolerance { return Result(x: x, value: value, iterations: iteration, converged: true) }
      iteration += 1
      // Two-loop recursion: direction = −H·g.
      for i in 0..<n { direction[i] = -g[i] }
      var alphas = [Double](repeating: 0, count: sHistory.count)
      for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
        alphas[k] = rhoHistory[k] * Self.dot(sHistory[k], direction)
        Self.axpy(-alphas[k], yHistory[k], &direction)
      }
      if let s = sHistory.last, let y = yHistory.last {
        let gamma = Self.dot(s, y) / Self.dot(y, y)
        for i in 0..<n { direction[i] *= gamma }
      } else {
        let norm = Self.dot(g, g).squareRoot()
        for i in 0..<n { direction[i] /= max(norm, 1) }
      }
      for k in 0..<sHistory.count {
        let beta = rhoHistory[k] * Self.dot(yHistory[k], direction)
        Self.axpy(alphas[k] - beta, sHistory[k], &direction)
      }
      var slope = Self.dot(g, direction)
      if slope >= 0 {  // not a descent direction: fall back to steepest descent
        for i in 0..<n { direction[i] = -g[i] }
        slope = Self.dot(g, direction)
        sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
      }
      var step = 1.0
      var newValue = 0.0
      var accepted = false
      for _ in 0..<40 {
        for i in 0..<n { newX[i] = x[i] + step * direction[i] }
        newValue = f(newX, &newG)
        if newValue <= value + 1e-4 * step * slope { accepted = true; break }
        step *= 0.5
      }
      guard accepted else { return Result(x: x, value: value, iterations: iteration, converged: false) }
      var s = [Double](repeating: 0, count: n), y = s
      for i in 0..<n { s[i] = newX[i] - x[i]; y[i] = newG[i] - g[i] }
      let sy = Self.dot(s, y)
      if sy > 1e-10 * Self.dot(y, y) {
        if sHistory.count == memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
        sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
      }
      let improvement = value - newValue
      swap(&x, &newX); swap(&g, &newG)
      value = newValue
      onIteration?(iteration, value)
      if improvement <= 1e-12 * max(abs(value), 1) { return Result(x: x, value: value, iterations: iteration, converged: true) }
    }
    return Result(x: x, value: value, iterations: iteration, converged: Self.maxAbs(g) <= gradientTolerance)
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
  }

  static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    for i in 0..<x.count { y[i] += alpha * x[i] }
  }

  static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
}
