import Foundation

/// Drift measures between a reference sample (the training rows) and a current sample of one feature.
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
}
