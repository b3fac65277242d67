/// Grows one fully random tree of a ``RandomForest`` on binned features, depth first.
///
/// Each node looks at a random subset of features (drawing more when the drawn ones are constant
/// in the node, as scikit-learn does) and picks the split with the lowest weighted Gini impurity
/// (classification) or squared error (regression). Bootstrap duplicates are row weights.
struct ForestTreeBuilder {
  struct Settings {
    var maxDepth: Int  // 0: unlimited
    var minSamplesSplit: Double
    var minSamplesLeaf: Double
    var featuresPerSplit: Int
  }

  let bins: UnsafePointer<UInt8>
  let rowCount: Int
  let binner: FeatureBinner
  /// Classes (classification) or 0 (regression: targets in `values`).
  let classCount: Int
  let labels: [Int]
  let values: [Double]

  func build(weights: [Double], settings: Settings, generator: inout SeededGenerator) -> DecisionTree {
    let outputs = max(1, classCount)
    let stats = classCount > 0 ? classCount : 2  // regression keeps (Σw·y, Σw·y²)
    var tree = DecisionTree(outputs: outputs)
    var rows = (0..<rowCount).filter { weights[$0] > 0 }.map { UInt32($0) }
    var scratch = rows
    let featureCount = binner.thresholds.count
    let maxBins = (0..<featureCount).map { binner.binCount($0) }.max() ?? 2
    var hist = [Double](repeating: 0, count: maxBins * (stats + 1))
    var order = Array(0..<featureCount)
    // Stack of (node, start, end, depth).
    var stack: [(Int, Int, Int, Int)] = [(tree.addLeaf([Double](repeating: 0, count: outputs)), 0, rows.count, 0)]
    while let (node, start, end, depth) = stack.popLast() {
      // Node totals and leaf value.
      var totals = [Double](repeating: 0, count: stats + 1)
      for k in start..<end {
        let i = Int(rows[k]), w = weights[i]
        if classCount > 0 { totals[labels[i]] += w } else { totals[0] += w * values[i]; totals[1] += w * values[i] * values[i] }
        totals[stats] += w
      }
      let weight = totals[stats]
      for o in 0..<outputs { tree.values[node * outputs + o] = classCount > 0 ? totals[o] / weight : totals[0] / weight }
      let pure = classCount > 0 ? totals[0..<classCount].filter { $0 > 0 }.count <= 1
        : totals[1] - totals[0] * totals[0] / weight <= 1e-12 * max(1, totals[1])
      if pure || weight < settings.minSamplesSplit || weight < 2 * settings.minSamplesLeaf
        || (settings.maxDepth > 0 && depth >= settings.maxDepth) { continue }
      let parentScore = Self.score(totals, stats: stats, classCount: classCount)
      var best = (gain: 1e-12, feature: -1, bin: 0)
      var examined = 0, drawn = 0
      while examined < settings.featuresPerSplit && drawn < featureCount {
        let pick = drawn + generator.nextInt(below: featureCount - drawn)
        order.swapAt(drawn, pick)
        let f = order[drawn]
        drawn += 1
        let binsOfFeature = binner.binCount(f)
        let width = stats + 1
        hist.withUnsafeMutableBufferPointer { h in
          h.baseAddress!.update(repeating: 0, count: binsOfFeature * width)
          let column = bins + f * rowCount
          rows.withUnsafeBufferPointer { r in
            for k in start..<end {
              let i = Int(r[k]), w = weights[i]
              let b = Int(column[i]) * width
              if classCount > 0 { h[b + labels[i]] += w } else { h[b] += w * values[i]; h[b + 1] += w * values[i] * values[i] }
              h[b + stats] += w
            }
          }
          var occupied = 0
          for b in 0..<binsOfFeature where h[b * width + stats] > 0 { occupied += 1 }
          guard occupied >= 2 else { return }
          examined += 1
          var left = [Double](repeating: 0, count: width)
          var right = totals
          for b in 0..<(binsOfFeature - 1) {
            let wb = h[b * width + stats]
            if wb == 0 { continue }
            for s in 0..<width { left[s] += h[b * width + s]; right[s] -= h[b * width + s] }
            if left[stats] < settings.minSamplesLeaf { continue }
            if right[stats] < settings.minSamplesLeaf { break }
            let gain = Self.score(left, stats: stats, classCount: classCount)
              + Self.score(right, stats: stats, classCount: classCount) - parentScore
            if gain > best.gain { best = (gain, f, b) }
          }
        }
      }
      guard best.feature >= 0 else { continue }
      // Partition rows (stable) by the split.
      let column = bins + best.feature * rowCount
      var write = start, spill = 0
      for k in start..<end {
        let i = rows[k]
        if Int(column[Int(i)]) <= best.bin { rows[write] = i; write += 1 } else { scratch[spill] = i; spill += 1 }
      }
      for k in 0..<spill { rows[write + k] = scratch[k] }
      let edges = binner.thresholds[best.feature]
      let threshold = best.bin < edges.count ? edges[best.bin] : Double.greatestFiniteMagnitude
      let (l, r) = tree.split(node, feature: best.feature, bin: best.bin, threshold: threshold)
      stack.append((r, write, end, depth + 1))
      stack.append((l, start, write, depth + 1))
    }
    return tree
  }

  /// The part of the split criterion that depends on one side: Σₖ wₖ² / w for Gini, (Σwy)² / w for squared error.
  @inline(__always)
  static func score(_ s: [Double], stats: Int, classCount: Int) -> Double {
    let w = s[stats]
    guard w > 0 else { return 0 }
    if classCount == 0 { return s[0] * s[0] / w }
    var sum = 0.0
    for k in 0..<classCount { sum += s[k] * s[k] }
    return sum / w
  }
}
