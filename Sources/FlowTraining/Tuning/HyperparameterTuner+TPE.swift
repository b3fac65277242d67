import Foundation

extension HyperparameterTuner {
  /// Random trials before the Parzen estimators take over.
  static let startupTrials = 8
  /// Candidates drawn from the "good" density per suggestion.
  static let candidates = 24

  /// A TPE suggestion (Bergstra et al. 2011): split finished trials into good (best quarter, at most
  /// 25) and bad, model each parameter's density in both groups with Gaussian kernels on the scaled
  /// [0, 1] range (plus a uniform prior), draw candidates from the good density and keep the one
  /// with the highest good/bad density ratio.
  func tpeSample(finished: [TrialResult], generator: inout SeededGenerator) -> [String: ParameterValue] {
    let space = configuration.space
    let scored = finished.filter { $0.objective != nil }
    guard scored.count >= Self.startupTrials else { return space.sample(&generator) }
    let ranked = scored.sorted { isBetter($0, than: $1) || (!isBetter($1, than: $0) && $0.trial.id < $1.trial.id) }
    let goodCount = min(25, max(1, Int((0.25 * Double(ranked.count)).rounded(.up))))
    let good = Array(ranked[..<goodCount]), bad = Array(ranked[goodCount...])
    var result: [String: ParameterValue] = [:]
    for name in space.names {
      let range = space.parameters[name]!
      let goodPoints = good.compactMap { $0.trial.parameters[name].map(range.position) }
      let badPoints = bad.compactMap { $0.trial.parameters[name].map(range.position) }
      if case .categorical(let values) = range {
        result[name] = Self.categoricalChoice(values, range: range, good: goodPoints, bad: badPoints, generator: &generator)
        continue
      }
      let goodWidth = Self.bandwidth(goodPoints), badWidth = Self.bandwidth(badPoints)
      var bestValue = 0.5, bestScore = -Double.infinity
      for _ in 0..<Self.candidates {
        // Draw from the good mixture: the prior with weight 1/(n+1), else a kernel around a good point.
        let pick = generator.nextInt(below: goodPoints.count + 1)
        var u = pick == goodPoints.count ? generator.nextUnit() : goodPoints[pick] + goodWidth * generator.nextGaussian()
        u = min(1, max(0, u))
        let score = log(Self.density(u, goodPoints, goodWidth)) - log(Self.density(u, badPoints, badWidth))
        if score > bestScore { bestScore = score; bestValue = u }
      }
      result[name] = range.value(at: bestValue)
    }
    return result
  }

  /// Mixture density on [0, 1] of Gaussian kernels at `points` and one uniform prior component.
  static func density(_ u: Double, _ points: [Double], _ width: Double) -> Double {
    var sum = 1.0  // the uniform prior's density on [0, 1]
    for p in points {
      let z = (u - p) / width
      sum += exp(-0.5 * z * z) / (width * (2 * Double.pi).squareRoot())
    }
    return sum / Double(points.count + 1)
  }

  /// Scott's rule on the scaled range, kept between 0.03 and 0.5.
  static func bandwidth(_ points: [Double]) -> Double {
    guard points.count > 1 else { return 0.25 }
    let mean = points.reduce(0, +) / Double(points.count)
    let std = (points.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(points.count - 1)).squareRoot()
    return min(0.5, max(0.03, 1.06 * std * pow(Double(points.count), -0.2)))
  }

  static func categoricalChoice(_ values: [ParameterValue], range: ParameterRange, good: [Double], bad: [Double],
                                generator: inout SeededGenerator) -> ParameterValue {
    func counts(_ points: [Double]) -> [Double] {
      var c = [Double](repeating: 1, count: values.count)  // add-one smoothing
      for p in points { c[min(values.count - 1, Int(p * Double(values.count)))] += 1 }
      return c
    }
    let g = counts(good), b = counts(bad)
    let gTotal = g.reduce(0, +), bTotal = b.reduce(0, +)
    var bestIndex = 0, bestScore = -Double.infinity
    for _ in 0..<Self.candidates {
      // Sample from the good distribution, score by the ratio.
      var r = generator.nextUnit() * gTotal, index = 0
      while index < values.count - 1 && r >= g[index] { r -= g[index]; index += 1 }
      let score = log(g[index] / gTotal) - log(b[index] / bTotal)
      if score > bestScore { bestScore = score; bestIndex = index }
    }
    return values[bestIndex]
  }
}
