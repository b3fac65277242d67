import Foundation

/// Drift measures between a reference sample (the training rows) and a current sample of one feature: PSI and
/// the Kolmogorov–Smirnov test for numeric features, PSI over categories and the chi-squared test for categorical ones.
enum DriftStatistics {
  /// Population stability index over the reference's decile bins: Σ (cᵢ − rᵢ) · ln(cᵢ / rᵢ), with shares smoothed
  /// by 1e-4 so an empty bin doesn't make it infinite. Repeated decile edges (discrete features) are merged, so a
  /// feature with a few distinct values gets one bin per value range. Below 0.1 is usually read as stable, above
  /// 0.2 as a significant shift.
  static func psi(reference: [Double], current: [Double]) -> Double {
    guard !reference.isEmpty, !current.isEmpty else { return 0 }
    let sorted = reference.sorted()
    var edges: [Double] = []
    for decile in 1..<10 {
      let edge = quantile(sorted, Double(decile) / 10)
      if edges.last != edge { edges.append(edge) }
    }
    func shares(_ values: [Double]) -> [Double] {
      var counts = [Double](repeating: 0, count: edges.count + 1)
      for value in values {
        // Bin i holds values in (edges[i-1], edges[i]]; the last bin everything above the last edge.
        var low = 0, high = edges.count
        while low < high {
          let mid = (low + high) / 2
          if value <= edges[mid] { high = mid } else { low = mid + 1 }
        }
        counts[low] += 1
      }
      return counts.map { max($0 / Double(values.count), 1e-4) }
    }
    let r = shares(reference), c = shares(current)
    return zip(r, c).reduce(0) { $0 + ($1.1 - $1.0) * log($1.1 / $1.0) }
  }

  /// The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical distribution functions.
  static func ks(reference: [Double], current: [Double]) -> Double {
    guard !reference.isEmpty, !current.isEmpty else { return 0 }
    let a = reference.sorted(), b = current.sorted()
    var i = 0, j = 0, gap = 0.0
    while i < a.count && j < b.count {
      let x = min(a[i], b[j])
      while i < a.count && a[i] <= x { i += 1 }
      while j < b.count && b[j] <= x { j += 1 }
      gap = max(gap, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
    }
    return gap
  }

  /// The KS statistic above which the two samples differ at significance `alpha` (asymptotic critical value
  /// c(α)·√((n + m) / (n·m)), c(α) = √(−ln(α/2) / 2)).
  static func ksCritical(alpha: Double, n: Int, m: Int) -> Double {
    guard n > 0, m > 0 else { return 1 }
    return (-log(alpha / 2) / 2).squareRoot() * (Double(n + m) / Double(n * m)).squareRoot()
  }

  /// Linear-interpolation quantile of sorted values.
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
  }

  // MARK: Categorical features

  /// Population stability index over categories: the reference's categories plus one bucket for categories it never
  /// saw, shares smoothed by 1e-4 as for numbers. A column that changed entirely to one category scores in the
  /// tens; the same reading applies (above 0.2: a significant shift).
  static func categoricalPSI(reference: [String], current: [String]) -> Double {
    guard !reference.isEmpty, !current.isEmpty else { return 0 }
    let (r, c) = categoryCounts(reference: reference, current: current)
    let rn = Double(reference.count), cn = Double(current.count)
    return zip(r, c).reduce(0) { sum, pair in
      let a = max(pair.0 / rn, 1e-4), b = max(pair.1 / cn, 1e-4)
      return sum + (b - a) * log(b / a)
    }
  }

  /// Pearson's chi-squared test of homogeneity between the two samples' category counts (a 2 × k table over the
  /// categories either sample has): the statistic and its p-value with k − 1 degrees of freedom.
  static func chiSquared(reference: [String], current: [String]) -> (statistic: Double, pValue: Double) {
    guard !reference.isEmpty, !current.isEmpty else { return (0, 1) }
    let (r, c) = categoryCounts(reference: reference, current: current)
    let rn = Double(reference.count), cn = Double(current.count), n = rn + cn
    var statistic = 0.0, categories = 0
    for (a, b) in zip(r, c) where a + b > 0 {
      categories += 1
      let expectedA = rn * (a + b) / n, expectedB = cn * (a + b) / n
      statistic += (a - expectedA) * (a - expectedA) / expectedA + (b - expectedB) * (b - expectedB) / expectedB
    }
    guard categories > 1 else { return (0, 1) }
    return (statistic, regularizedGammaQ(Double(categories - 1) / 2, statistic / 2))
  }

  /// Counts per category, in the reference's categories (sorted) then one bucket for the current sample's others.
  private static func categoryCounts(reference: [String], current: [String]) -> ([Double], [Double]) {
    let categories = Array(Set(reference)).sorted()
    let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    var r = [Double](repeating: 0, count: categories.count + 1), c = r
    for value in reference { r[index[value]!] += 1 }
    for value in current { c[index[value] ?? categories.count] += 1 }
    return (r, c)
  }

  /// Q(a, x) = Γ(a, x) / Γ(a), the upper tail of the chi-squared distribution at 2x with 2a degrees of freedom
  /// (series below a + 1, continued fraction above, as in Numerical Recipes).
  static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
    guard x > 0 else { return 1 }
    let logPrefix = a * log(x) - x - lgamma(a)
    if x < a + 1 {
      var term = 1 / a, sum = term, n = a
      for _ in 0..<1000 {
        n += 1
        term *= x / n
        sum += term
        if abs(term) < abs(sum) * 1e-15 { break }
      }
      return max(0, 1 - sum * exp(logPrefix))
    }
    var b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
    for i in 1...1000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < 1e-300 { d = 1e-300 }
      c = b + an / c
      if abs(c) < 1e-300 { c = 1e-300 }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-15 { break }
    }
    return min(1, exp(logPrefix) * h)
  }
}
