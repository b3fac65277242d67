import Foundation

/// RBF kernel rows of one SVM sub-problem, computed on demand and cached (least recently used
/// rows are dropped first when the cache is full).
final class KernelRows {
  private let data: UnsafeBufferPointer<Double>
  private let features: Int
  private let indices: [Int]
  private let norms: [Double]
  private let gamma: Double
  private let gram: UnsafeBufferPointer<Float>?
  private let fullCount: Int
  private let storage: UnsafeMutablePointer<Float>
  private var slotOfRow: [Int]
  private var rowOfSlot: [Int]
  private var lastUse: [Int]
  private var clock = 0
  private let slots: Int

  /// - Parameters:
  ///   - data: All training rows (row-major), valid while this object is used.
  ///   - indices: The rows of this sub-problem.
  ///   - norms: Squared norms of all training rows.
  ///   - gram: The full kernel matrix of all rows, when it was computed.
  init(data: UnsafeBufferPointer<Double>, features: Int, indices: [Int], norms: [Double], gamma: Double,
       gram: UnsafeBufferPointer<Float>?, fullCount: Int, cacheBytes: Int = 256 << 20) {
    self.data = data
    self.features = features
    self.indices = indices
    self.norms = norms
    self.gamma = gamma
    self.gram = gram
    self.fullCount = fullCount
    let m = max(1, indices.count)
    slots = max(2, min(m, cacheBytes / (4 * m)))
    storage = .allocate(capacity: slots * m)
    slotOfRow = [Int](repeating: -1, count: m)
    rowOfSlot = [Int](repeating: -1, count: slots)
    lastUse = [Int](repeating: 0, count: slots)
  }

  deinit { storage.deallocate() }

  /// K(x_i, x_i), which is 1 for the RBF kernel.
  func diagonal(_ i: Int) -> Double { 1 }

  /// The kernel row of sub-problem row `i`; valid until the next call after the one that follows.
  func row(_ i: Int) -> UnsafePointer<Float> {
    clock += 1
    var slot = slotOfRow[i]
    if slot < 0 {
      slot = 0
      for s in 1..<slots where lastUse[s] < lastUse[slot] { slot = s }
      if rowOfSlot[slot] >= 0 { slotOfRow[rowOfSlot[slot]] = -1 }
      rowOfSlot[slot] = i
      slotOfRow[i] = slot
      fill(row: i, slot: slot)
    }
    lastUse[slot] = clock
    return UnsafePointer(storage + slot * indices.count)
  }

  private func fill(row i: Int, slot: Int) {
    let m = indices.count
    let a = indices[i]
    do {
      let target = storage + slot * m
      if let gram {
        let base = gram.baseAddress! + a * fullCount
        for k in 0..<m { target[k] = base[indices[k]] }
      } else {
        let x = data.baseAddress! + a * features
        for k in 0..<m {
          let b = indices[k]
          let d = max(0, norms[a] + norms[b] - 2 * Kernels.dot(x, data.baseAddress! + b * features, features))
          target[k] = Float(exp(-gamma * d))
        }
      }
    }
  }

  /// The full RBF kernel matrix of `x` (as `Float`), computed on both cores.
  static func gramMatrix(_ x: Matrix, norms: [Double], gamma: Double) -> [Float] {
    let n = x.rows, p = x.columns
    var gram = [Float](repeating: 0, count: n * n)
    x.values.withUnsafeBufferPointer { xs in
      gram.withUnsafeMutableBufferPointer { g in
        // Rows are interleaved across chunks (row r goes to chunk r % 8) to balance the triangle.
        Parallel.forEach(8) { chunk in
          for r in stride(from: chunk, to: n, by: 8) {
            let xr = xs.baseAddress! + r * p
            for c in 0...r {
              let d = max(0, norms[r] + norms[c] - 2 * Kernels.dot(xr, xs.baseAddress! + c * p, p))
              g[r * n + c] = Float(exp(-gamma * d))
            }
          }
        }
        for r in 0..<n { for c in (r + 1)..<max(r + 1, n) { g[r * n + c] = g[c * n + r] } }
      }
    }
    return gram
  }

  static func squaredNorms(_ x: Matrix) -> [Double] {
    x.values.withUnsafeBufferPointer { xs in
      (0..<x.rows).map { r in Kernels.dot(xs.baseAddress! + r * x.columns, xs.baseAddress! + r * x.columns, x.columns) }
    }
  }
}
