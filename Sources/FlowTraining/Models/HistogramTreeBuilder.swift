/// Grows one regression tree on binned features from per-row gradients and hessians, leaf-wise
/// (best gain first), as LightGBM and scikit-learn's HistGradientBoosting do.
///
/// Histograms hold (Σg, Σh, count, 0) per bin as `SIMD4<Float>`, so one bin update is one vector
/// add; split gains are then computed from running sums in `Double`. Only the smaller child of a split is scanned; the
/// larger one's histogram is its parent's minus the smaller's. Histogram building and split search
/// run over features on both cores; each feature is summed by one thread in row order, so results
/// don't depend on scheduling.
final class HistogramTreeBuilder {
  struct Settings {
    var maxLeaves: Int
    var maxDepth: Int  // 0: unlimited
    var minSamplesLeaf: Int
    var l2: Double
    var minHessian = 1e-3
    var parallel: Bool
  }

  /// A finished leaf: its node and its rows, `rows[start..<end]`.
  struct Leaf {
    var node: Int
    var start: Int
    var end: Int
    var gradient: Double
    var hessian: Double
  }

  struct Split {
    var gain = 0.0
    var feature = -1
    var bin = 0
    var leftGradient = 0.0, leftHessian = 0.0, leftCount = 0.0
  }

  private struct Candidate {
    var node: Int, start: Int, end: Int, depth: Int, slot: Int
    var gradient: Double, hessian: Double
    var split = Split()
    var count: Double { Double(end - start) }
    var leaf: Leaf { Leaf(node: node, start: start, end: end, gradient: gradient, hessian: hessian) }
  }

  /// Bins, column-major: `bins[f * rowCount + i]`.
  let bins: UnsafePointer<UInt8>
  let rowCount: Int
  let binner: FeatureBinner
  private let binOffsets: [Int]  // start of each feature's bins inside a histogram slot
  private let slotSize: Int
  private let slotCount: Int
  private var pool: [SIMD4<Float>]
  private var freeSlots: [Int] = []
  /// Row indices, grouped by leaf after ``build(gh:features:settings:)``.
  private(set) var rows: [UInt32]
  private var scratch: [UInt32]
  private var ordered: [SIMD4<Float>]  // gathered (g, h, 1, 0) of the node being scanned

  init(bins: UnsafePointer<UInt8>, rowCount: Int, binner: FeatureBinner, maxLeaves: Int) {
    self.bins = bins
    self.rowCount = rowCount
    self.binner = binner
    var offsets: [Int] = []
    var total = 0
    for f in 0..<binner.thresholds.count { offsets.append(total); total += binner.binCount(f) }
    binOffsets = offsets
    slotSize = total
    slotCount = maxLeaves + 1
    pool = [SIMD4<Float>](repeating: .zero, count: slotCount * slotSize)
    rows = Array(0..<UInt32(rowCount))
    scratch = rows
    ordered = [SIMD4<Float>](repeating: .zero, count: rowCount)
  }

  /// Grows a tree. `gh` holds (gradient, hessian, 1, 0) per row; `features` are the features
  /// it may split on. Returns the tree (leaf values 0) and its leaves with their row ranges in ``rows``.
  func build(gh: UnsafePointer<SIMD4<Float>>, features: [Int], settings: Settings) -> (DecisionTree, [Leaf]) {
    var tree = DecisionTree(outputs: 1)
    for k in 0..<rowCount { rows[k] = UInt32(k) }
    freeSlots = Array((0..<slotCount).reversed())
    var g = 0.0, h = 0.0
    for i in 0..<rowCount { g += Double(gh[i].x); h += Double(gh[i].y) }
    var root = Candidate(node: tree.addLeaf([0]), start: 0, end: rowCount, depth: 0, slot: freeSlots.removeLast(),
                         gradient: g, hessian: h)
    var unused: Candidate? = nil
    histogramPass(small: &root, large: &unused, parentSlot: nil, gh: gh, features: features, settings: settings)
    var open = [root]
    var leaves: [Leaf] = []
    var leafCount = 1
    while leafCount < settings.maxLeaves {
      guard let best = open.indices.filter({ open[$0].split.feature >= 0 })
        .max(by: { (open[$0].split.gain, -open[$0].node) < (open[$1].split.gain, -open[$1].node) }) else { break }
      let parent = open.remove(at: best)
      let split = parent.split
      let middle = partition(parent.start, parent.end, feature: split.feature, bin: split.bin)
      let edges = binner.thresholds[split.feature]
      let threshold = split.bin < edges.count ? edges[split.bin] : Double.greatestFiniteMagnitude
      let (leftNode, rightNode) = tree.split(parent.node, feature: split.feature, bin: split.bin, threshold: threshold)
      leafCount += 1
      var left = Candidate(node: leftNode, start: parent.start, end: middle, depth: parent.depth + 1, slot: -1,
                           gradient: split.leftGradient, hessian: split.leftHessian)
      var right = Candidate(node: rightNode, start: middle, end: parent.end, depth: parent.depth + 1, slot: -1,
                            gradient: parent.gradient - split.leftGradient, hessian: parent.hessian - split.leftHessian)
      let smallSlot = freeSlots.removeLast()
      var children: [Candidate]
      if left.count <= right.count {
        left.slot = smallSlot; right.slot = parent.slot
        var large: Candidate? = right
        histogramPass(small: &left, large: &large, parentSlot: parent.slot, gh: gh, features: features, settings: settings)
        children = [left, large!]
      } else {
        right.slot = smallSlot; left.slot = parent.slot
        var large: Candidate? = left
        histogramPass(small: &right, large: &large, parentSlot: parent.slot, gh: gh, features: features, settings: settings)
        children = [large!, right]
      }
      for child in children {
        if child.split.feature >= 0 { open.append(child) } else {
          freeSlots.append(child.slot)
          leaves.append(child.leaf)
        }
      }
    }
    leaves.append(contentsOf: open.map(\.leaf))
    leaves.sort { $0.node < $1.node }
    return (tree, leaves)
  }

  /// Builds the histogram of `small`'s rows and finds its best split; when `parentSlot` is given,
  /// turns that slot into the histogram of `large` (parent − small) and finds its best split too.
  private func histogramPass(small: inout Candidate, large: inout Candidate?, parentSlot: Int?,
                             gh: UnsafePointer<SIMD4<Float>>, features: [Int], settings: Settings) {
    let node = small
    let sibling = large
    let count = node.end - node.start
    let isRoot = parentSlot == nil
    var bestSmall = [Split](repeating: Split(), count: features.count)
    var bestLarge = [Split](repeating: Split(), count: features.count)
    rows.withUnsafeBufferPointer { rowBuffer in
      ordered.withUnsafeMutableBufferPointer { orderedBuffer in
        pool.withUnsafeMutableBufferPointer { poolBuffer in
          bestSmall.withUnsafeMutableBufferPointer { smallOut in
            bestLarge.withUnsafeMutableBufferPointer { largeOut in
              let nodeRows = rowBuffer.baseAddress! + node.start
              let og = orderedBuffer.baseAddress!
              let parallel = settings.parallel && count * features.count >= 16_384
              let groups = parallel ? min(features.count, 2 * Parallel.threads) : 1
              if !isRoot {
                Parallel.forEach(parallel ? groups : 1) { g in
                  for k in Parallel.range(of: g, in: parallel ? groups : 1, count: count) { og[k] = gh[Int(nodeRows[k])] }
                }
              }
              let source = isRoot ? gh : UnsafePointer(og)
              func work(_ index: Int) {
                let f = features[index]
                let binsOfFeature = self.binner.binCount(f)
                let hist = poolBuffer.baseAddress! + node.slot * self.slotSize + self.binOffsets[f]
                hist.update(repeating: .zero, count: binsOfFeature)
                let column = self.bins + f * self.rowCount
                if isRoot {
                  for i in 0..<count { hist[Int(column[i])] += source[i] }
                } else {
                  for k in 0..<count { hist[Int(column[Int(nodeRows[k])])] += source[k] }
                }
                smallOut[index] = self.bestSplit(hist, bins: binsOfFeature, feature: f, of: node, settings: settings)
                if let parentSlot, let sibling {
                  let other = poolBuffer.baseAddress! + parentSlot * self.slotSize + self.binOffsets[f]
                  for b in 0..<binsOfFeature { other[b] -= hist[b] }
                  largeOut[index] = self.bestSplit(other, bins: binsOfFeature, feature: f, of: sibling, settings: settings)
                }
              }
              if parallel {
                Parallel.forEach(features.count, work)
              } else {
                for index in 0..<features.count { work(index) }
              }
            }
          }
        }
      }
    }
    small.split = Self.pick(bestSmall)
    large?.split = Self.pick(bestLarge)
  }

  private func bestSplit(_ hist: UnsafePointer<SIMD4<Float>>, bins: Int, feature: Int, of node: Candidate,
                         settings: Settings) -> Split {
    var best = Split()
    let minLeaf = Double(settings.minSamplesLeaf)
    let count = node.count
    guard settings.maxDepth == 0 || node.depth < settings.maxDepth, count >= 2 * minLeaf else { return best }
    let lambda = settings.l2
    let parentScore = node.gradient * node.gradient / (node.hessian + lambda)
    var gl = 0.0, hl = 0.0, cl = 0.0
    for b in 0..<(bins - 1) {
      let entry = hist[b]
      gl += Double(entry.x); hl += Double(entry.y); cl += Double(entry.z)
      if cl < minLeaf { continue }
      let cr = count - cl
      if cr < minLeaf { break }
      let gr = node.gradient - gl, hr = node.hessian - hl
      if hl < settings.minHessian || hr < settings.minHessian { continue }
      let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
      if gain > best.gain {
        best = Split(gain: gain, feature: feature, bin: b, leftGradient: gl, leftHessian: hl, leftCount: cl)
      }
    }
    return best.gain > 1e-10 ? best : Split()
  }

  /// The best split over features; ties go to the first feature, so the choice is deterministic.
  private static func pick(_ splits: [Split]) -> Split {
    var best = Split()
    for s in splits where s.feature >= 0 && s.gain > best.gain { best = s }
    return best
  }

  /// Stable partition of `rows[start..<end]` into bin ≤ `bin` then the rest; returns the boundary.
  /// Large ranges are split in two halves partitioned on both cores, then stitched together.
  private func partition(_ start: Int, _ end: Int, feature: Int, bin: Int) -> Int {
    let column = bins + feature * rowCount
    let limit = UInt8(bin)
    let count = end - start
    let halves = count >= 32_768 ? 2 : 1
    var leftCounts = [0, 0], rightCounts = [0, 0]
    return rows.withUnsafeMutableBufferPointer { r in
      scratch.withUnsafeMutableBufferPointer { s in
        leftCounts.withUnsafeMutableBufferPointer { lefts in
          rightCounts.withUnsafeMutableBufferPointer { rights in
            // Each half keeps its left rows in place (at its start) and copies its right rows to scratch.
            Parallel.forEach(halves) { h in
              let range = Parallel.range(of: h, in: halves, count: count)
              var write = start + range.lowerBound, spill = start + range.lowerBound
              for k in (start + range.lowerBound)..<(start + range.upperBound) {
                let i = r[k]
                if column[Int(i)] <= limit { r[write] = i; write += 1 } else { s[spill] = i; spill += 1 }
              }
              lefts[h] = write - start - range.lowerBound
              rights[h] = spill - start - range.lowerBound
            }
          }
        }
        // Stitch: left of half 0, left of half 1, right of half 0, right of half 1.
        var write = start + leftCounts[0]
        if halves == 2 {
          let second = start + Parallel.range(of: 1, in: 2, count: count).lowerBound
          for k in 0..<leftCounts[1] { r[write + k] = r[second + k] }
          write += leftCounts[1]
          let boundary = write
          for k in 0..<rightCounts[0] { r[write + k] = s[start + k] }
          write += rightCounts[0]
          for k in 0..<rightCounts[1] { r[write + k] = s[second + k] }
          return boundary
        }
        for k in 0..<rightCounts[0] { r[write + k] = s[start + k] }
        return write
      }
    }
  }
}
