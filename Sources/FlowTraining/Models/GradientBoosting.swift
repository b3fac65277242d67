import Foundation

/// Hyperparameters of ``GradientBoosting`` (scikit-learn's `HistGradientBoosting*` names and defaults).
public struct GradientBoostingParameters: HyperparameterSet {
  /// Shrinkage of each tree's contribution (`learning_rate`, > 0).
  public var learningRate: Double
  /// Boosting iterations (`max_iter`); multiclass problems grow one tree per class per iteration.
  public var maxIterations: Int
  /// Leaves per tree (`max_leaf_nodes`, ≥ 2).
  public var maxLeaves: Int
  /// Depth limit; 0 for none (`max_depth`).
  public var maxDepth: Int
  /// Rows a leaf must have (`min_samples_leaf`).
  public var minSamplesLeaf: Int
  /// L2 penalty on leaf values (`l2_regularization`).
  public var l2: Double
  /// Share of features each tree may use (`max_features`, in (0, 1]).
  public var featureFraction: Double
  /// Bins per feature (`max_bins`, 2…255).
  public var maxBins: Int
  /// `auto` (on when more than 10,000 rows), `true` or `false` (`early_stopping`).
  public var earlyStopping: ParameterValue
  /// Share of training rows held out for early stopping (`validation_fraction`).
  public var validationFraction: Double
  /// Iterations without improvement before stopping (`n_iter_no_change`).
  public var patience: Int
  /// Smallest validation-loss improvement that counts (`tol`).
  public var tolerance: Double
  /// Seed of the validation split and feature subsampling (`random_state`).
  public var seed: Int
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads the hyperparameters listed above by their scikit-learn names.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    var given = values
    let early = given.removeValue(forKey: "early_stopping") ?? .string("auto")
    guard early == .string("auto") || early == .bool(true) || early == .bool(false) else {
      throw TrainingError(.invalidHyperparameter, "gradient_boosting: 'early_stopping' must be 'auto', true or false, got '\(early)'")
    }
    var reader = ParameterReader(.gradientBoosting, given)
    learningRate = try reader.double("learning_rate", 0.1, above: 0)
    maxIterations = try reader.int("max_iter", 100, min: 1)
    maxLeaves = try reader.int("max_leaf_nodes", 31, min: 2, max: 65_536)
    maxDepth = try reader.int("max_depth", 0, min: 0)
    minSamplesLeaf = try reader.int("min_samples_leaf", 20, min: 1)
    l2 = try reader.double("l2_regularization", 0, min: 0)
    featureFraction = try reader.double("max_features", 1, max: 1, above: 0)
    maxBins = try reader.int("max_bins", 255, min: 2, max: 255)
    validationFraction = try reader.double("validation_fraction", 0.1, max: 0.9, above: 0)
    patience = try reader.int("n_iter_no_change", 10, min: 1)
    tolerance = try reader.double("tol", 1e-7, min: 0)
    seed = try reader.int("random_state", 0, min: 0)
    try reader.finish()
    earlyStopping = early
    var resolved = reader.resolved
    resolved["early_stopping"] = early
    self.values = resolved
  }

  func usesEarlyStopping(rows: Int) -> Bool {
    earlyStopping == .bool(true) || (earlyStopping == .string("auto") && rows > 10_000)
  }
}

/// Gradient-boosted trees on binned features (like LightGBM and scikit-learn's HistGradientBoosting).
///
/// Losses: log loss for two classes, softmax cross-entropy for more (one tree per class per
/// iteration), squared error for regression. Each tree is grown leaf-wise by
/// ``HistogramTreeBuilder`` on both cores (multiclass iterations grow their class trees in
/// parallel instead). With early stopping, a stratified share of the training rows is held out and
/// the model keeps the iterations up to the best validation loss.
public struct GradientBoosting: Model, Equatable {
  public typealias Parameters = GradientBoostingParameters
  /// ``Algorithm/gradientBoosting``.
  public static let algorithm = Algorithm.gradientBoosting

  /// Starting raw score per output (log-odds, log-priors or the mean).
  public var baseline: [Double]
  /// Trees per iteration: `trees[iteration][output]`, leaf values already scaled by the learning rate.
  public var trees: [[DecisionTree]]
  /// Number of classes, or 0 for regression.
  public var classCount: Int

  /// Raw scores (`n × outputs`) before the link function.
  public func rawScores(_ x: Matrix) -> Matrix {
    let outputs = baseline.count
    var out = Matrix(rows: x.rows, columns: outputs)
    x.values.withUnsafeBufferPointer { xs in
      out.values.withUnsafeMutableBufferPointer { o in
        Parallel.forChunks(x.rows, size: 256) { range in
          for r in range {
            let row = xs.baseAddress! + r * x.columns
            for k in 0..<outputs {
              var sum = baseline[k]
              for iteration in trees { let tree = iteration[k]; sum += tree.values[tree.leaf(row)] }
              o[r * outputs + k] = sum
            }
          }
        }
      }
    }
    return out
  }

  /// Class probabilities (`n × classCount`) or predictions (`n × 1`).
  public func predict(_ x: Matrix) -> Matrix {
    let raw = rawScores(x)
    switch classCount {
    case 0: return raw
    case 2:
      var out = Matrix(rows: x.rows, columns: 2)
      for r in 0..<x.rows { let p = Kernels.sigmoid(raw[r, 0]); out[r, 0] = 1 - p; out[r, 1] = p }
      return out
    default:
      var out = raw
      out.values.withUnsafeMutableBufferPointer { o in
        for r in 0..<x.rows { Kernels.softmax(o.baseAddress! + r * classCount, classCount) }
      }
      return out
    }
  }
}
