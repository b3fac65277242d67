import Foundation

/// Hyperparameters of ``KNearestNeighbors`` (scikit-learn's `KNeighbors*` names and defaults).
public struct KNearestNeighborsParameters: HyperparameterSet {
  /// Number of neighbours (`n_neighbors`).
  public var neighbors: Int
  /// `uniform` (each neighbour counts the same) or `distance` (weighted by 1 / distance) (`weights`).
  public var weights: String
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads `n_neighbors` and `weights`.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    var reader = ParameterReader(.knn, values)
    neighbors = try reader.int("n_neighbors", 5, min: 1)
    weights = try reader.string("weights", "uniform", allowed: ["uniform", "distance"])
    try reader.finish()
    self.values = reader.resolved
  }
}

/// k-nearest neighbours by brute-force Euclidean distance, for classification and regression.
///
/// "Fitting" stores the training rows. Prediction computes distances with ‖a‖² + ‖b‖² − 2a·b in
/// blocks of rows on both cores. Ties in distance go to the earlier training row.
public struct KNearestNeighbors: Model, Equatable {
  public typealias Parameters = KNearestNeighborsParameters
  /// ``Algorithm/knn``.
  public static let algorithm = Algorithm.knn

  /// The training rows.
  public var points: Matrix
  /// Class index per row (classification) — empty for regression.
  public var labels: [Int]
  /// Target per row (regression) — empty for classification.
  public var targets: [Double]
  /// Number of classes, or 0 for regression.
  public var classCount: Int
  /// Number of neighbours.
  public var neighbors: Int
  /// `uniform` or `distance`.
  public var weights: String

  /// Stores the training data.
  /// - Throws: ``TrainingError`` (`invalid-argument`) when there are fewer rows than neighbours.
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> KNearestNeighbors {
    try requireRows(x, target)
    guard x.rows >= parameters.neighbors else {
      throw TrainingError(.invalidArgument, "knn: n_neighbors is \(parameters.neighbors) but there are only \(x.rows) rows")
    }
    progress?(TrainingProgress(iteration: 1, total: 1))
    switch target {
    case .classes(let y, let k):
      return KNearestNeighbors(points: x, labels: y, targets: [], classCount: k, neighbors: parameters.neighbors, weights: parameters.weights)
    case .values(let y):
      return KNearestNeighbors(points: x, labels: [], targets: y, classCount: 0, neighbors: parameters.neighbors, weights: parameters.weights)
    }
  }

  /// Class shares among the neighbours (`n × classCount`), or their mean target (`n × 1`).
  public func predict(_ x: Matrix) -> Matrix {
    let n = points.rows, p = points.columns, k = neighbors
    let norms = KernelRows.squaredNorms(points)
    var out = Matrix(rows: x.rows, columns: max(1, classCount))
    let columns = out.columns
    x.values.withUnsafeBufferPointer { xs in
      points.values.withUnsafeBufferPointer { ps in
        out.values.withUnsafeMutableBufferPointer { o in
          Parallel.forChunks(x.rows, size: 32) { range in
            var bestDistance = [Double](repeating: 0, count: k)
            var bestIndex = [Int](repeating: 0, count: k)
            for r in range {
              let row = xs.baseAddress! + r * p
              let norm = Kernels.dot(row, row, p)
              var filled = 0
              // Keep the k smallest distances in ascending order (insertion into a short sorted list).
              for j in 0..<n {
                let d = max(0, norm + norms[j] - 2 * Kernels.dot(row, ps.baseAddress! + j * p, p))
                if filled == k && d >= bestDistance[k - 1] { continue }
                var position = filled == k ? k - 1 : filled
                if filled < k { filled += 1 }
                while position > 0 && bestDistance[position - 1] > d {
                  bestDistance[position] = bestDistance[position - 1]
                  bestIndex[position] = bestIndex[position - 1]
                  position -= 1
                }
                bestDistance[position] = d
                bestIndex[position] = j
              }
              let target = o.baseAddress! + r * columns
              var total = 0.0
              for m in 0..<filled {
                let w = weights == "distance" ? 1 / max(bestDistance[m].squareRoot(), 1e-12) : 1
                total += w
                if classCount > 0 { target[labels[bestIndex[m]]] += w } else { target[0] += w * targets[bestIndex[m]] }
              }
              for c in 0..<columns { target[c] /= total }
            }
          }
        }
      }
    }
    return out
  }
}
