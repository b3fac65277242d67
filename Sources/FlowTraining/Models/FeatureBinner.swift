/// Maps each feature to at most 255 bins by quantile thresholds, for histogram-based trees.
///
/// A value's bin is the number of thresholds below it, so "bin ≤ b" is the same test as
/// "value ≤ thresholds[b]": trees found on bins predict on raw values without re-binning.
/// Missing values (NaN) go to the last bin, which every split sends right, as `NaN ≤ t` is false.
public struct FeatureBinner: Sendable, Codable, Equatable {
  /// Per feature, ascending split thresholds (at most `maxBins − 1`).
  public var thresholds: [[Double]]

  /// Learns thresholds: midpoints between distinct values when there are few, else between quantiles
  /// of a sample of at most 100,000 rows.
  init(_ x: Matrix, maxBins: Int, seed: UInt64) {
    let sampleRows: [Int]
    if x.rows > 100_000 {
      var generator = SeededGenerator(seed: seed)
      sampleRows = generator.sample(100_000, from: x.rows).sorted()
    } else {
      sampleRows = Array(0..<x.rows)
    }
    // Gather the sampled columns in one row-major pass (reading a column of a row-major matrix
    // directly would touch a new cache line per value).
    let m = sampleRows.count
    var columns = [Double](repeating: 0, count: m * x.columns)
    columns.withUnsafeMutableBufferPointer { out in
      x.values.withUnsafeBufferPointer { xs in
        for (k, row) in sampleRows.enumerated() {
          let source = xs.baseAddress! + row * x.columns
          for f in 0..<x.columns { out[f * m + k] = source[f] }
        }
      }
    }
    var thresholds = [[Double]](repeating: [], count: x.columns)
    thresholds.withUnsafeMutableBufferPointer { out in
      Parallel.forEach(x.columns) { f in
        var values = columns[(f * m)..<((f + 1) * m)].filter { !$0.isNaN }
        RadixSort.sort(&values)
        var distinct: [Double] = []
        for v in values where distinct.last != v { distinct.append(v) }
        if distinct.count <= maxBins {
          out[f] = (0..<max(0, distinct.count - 1)).map { (distinct[$0] + distinct[$0 + 1]) / 2 }
        } else {
          // Quantile cut points on the sorted sample, as midpoints between neighbouring values.
          var cuts: [Double] = []
          for b in 1..<maxBins {
            let position = Double(b) / Double(maxBins) * Double(values.count - 1)
            let lower = Int(position.rounded(.down))
            let cut = (values[lower] + values[min(lower + 1, values.count - 1)]) / 2
            if cuts.last.map({ cut > $0 }) ?? true, cut < values[values.count - 1] { cuts.append(cut) }
          }
          out[f] = cuts
        }
      }
    }
    self.thresholds = thresholds
  }

  /// Number of bins of feature `f` (thresholds + 1, plus one for missing values).
  func binCount(_ f: Int) -> Int { thresholds[f].count + 2 }

  /// The missing-value bin of feature `f`.
  func missingBin(_ f: Int) -> Int { thresholds[f].count + 1 }

  /// Bins of `x`, column-major: `bins[f * rows + i]`.
  func transform(_ x: Matrix) -> [UInt8] {
    let n = x.rows, p = x.columns
    let grids = thresholds.map(BinGrid.init)
    var bins = [UInt8](repeating: 0, count: n * p)
    bins.withUnsafeMutableBufferPointer { out in
      x.values.withUnsafeBufferPointer { xs in
        // Row blocks: each row is read once, in order; each feature's output is written sequentially.
        Parallel.forChunks(n, size: 4096) { range in
          for i in range {
            let row = xs.baseAddress! + i * p
            for f in 0..<p { out[f * n + i] = grids[f].bin(row[f]) }
          }
        }
      }
    }
    return bins
  }
}

/// Finds a value's bin in O(1) on average: a uniform grid over the threshold range says where to
/// start a short linear scan (a binary search is a chain of dependent, unpredictable branches).
struct BinGrid {
  let thresholds: [Double]
  let low: Double
  let scale: Double
  let cellStart: [Int]

  init(_ thresholds: [Double]) {
    self.thresholds = thresholds
    let count = thresholds.count
    guard count >= 2, let low = thresholds.first, let high = thresholds.last, high > low else {
      self.low = thresholds.first ?? 0
      scale = 0
      cellStart = [0]
      return
    }
    let cells = 4 * count
    self.low = low
    scale = Double(cells) / (high - low)
    var starts = [Int](repeating: 0, count: cells + 1)
    var position = 0
    for c in 0...cells {
      let edge = low + Double(c) / scale
      while position < count && thresholds[position] < edge { position += 1 }
      starts[c] = position
    }
    cellStart = starts
  }

  /// The number of thresholds below `value` (NaN: the missing bin).
  @inline(__always)
  func bin(_ value: Double) -> UInt8 {
    let count = thresholds.count
    if value.isNaN { return UInt8(count + 1) }
    if count == 0 || value <= thresholds[0] { return 0 }
    if value > thresholds[count - 1] { return UInt8(count) }
    // Start at or below the answer: the first threshold ≥ the cell's left edge.
    let cell = min(cellStart.count - 1, max(0, Int((value - low) * scale)))
    var position = cellStart[cell]
    while position > 0 && thresholds[position - 1] >= value { position -= 1 }  // rounding at the cell edge
    while position < count && thresholds[position] < value { position += 1 }
    return UInt8(position)
  }
}
