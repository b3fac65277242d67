/// A binary decision tree stored as flat arrays, shared by ``GradientBoosting`` and ``RandomForest``.
///
/// Node 0 is the root. An inner node sends a row left when `x[feature] ≤ threshold`; a leaf
/// (feature −1) holds `outputs` values: one raw score for boosting, a class distribution or a mean
/// for forests.
public struct DecisionTree: Sendable, Codable, Equatable {
  /// Split feature per node, −1 for leaves.
  public var feature: [Int32] = []
  /// Split threshold per node.
  public var threshold: [Double] = []
  /// Split bin per node (go left when bin ≤ this), used while training on binned data.
  public var binThreshold: [UInt8] = []
  /// Left child per node.
  public var left: [Int32] = []
  /// Right child per node.
  public var right: [Int32] = []
  /// `outputs` values per node (meaningful for leaves).
  public var values: [Double] = []
  /// Values per leaf.
  public var outputs: Int = 1

  init(outputs: Int) { self.outputs = outputs }

  /// Number of nodes.
  public var nodeCount: Int { feature.count }

  /// Adds a leaf and returns its index.
  mutating func addLeaf(_ leafValues: [Double]) -> Int {
    feature.append(-1); threshold.append(0); binThreshold.append(0); left.append(-1); right.append(-1)
    values.append(contentsOf: leafValues)
    return feature.count - 1
  }

  /// Turns leaf `node` into a split with two new leaves; returns their indices.
  mutating func split(_ node: Int, feature f: Int, bin: Int, threshold t: Double) -> (Int, Int) {
    let zeros = [Double](repeating: 0, count: outputs)
    let l = addLeaf(zeros), r = addLeaf(zeros)
    feature[node] = Int32(f); binThreshold[node] = UInt8(bin); threshold[node] = t
    left[node] = Int32(l); right[node] = Int32(r)
    return (l, r)
  }

  /// The leaf a raw feature row falls in.
  @inline(__always)
  func leaf(_ row: UnsafePointer<Double>) -> Int {
    var node = 0
    while feature[node] >= 0 {
      node = Int(row[Int(feature[node])] <= threshold[node] ? left[node] : right[node])
    }
    return node
  }

  /// The leaf of row `i` of column-major bins with `n` rows.
  @inline(__always)
  func leaf(bins: UnsafePointer<UInt8>, row i: Int, rows n: Int) -> Int {
    var node = 0
    while feature[node] >= 0 {
      node = Int(bins[Int(feature[node]) * n + i] <= binThreshold[node] ? left[node] : right[node])
    }
    return node
  }

  /// Number of leaves.
  public var leafCount: Int { feature.filter { $0 < 0 }.count }

  /// The depth (a single leaf has depth 0).
  public var depth: Int {
    func depth(_ node: Int) -> Int {
      feature[node] < 0 ? 0 : 1 + max(depth(Int(left[node])), depth(Int(right[node])))
    }
    return nodeCount == 0 ? 0 : depth(0)
  }
}
