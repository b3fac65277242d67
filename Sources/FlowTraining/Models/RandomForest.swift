import Foundation

/// Hyperparameters of ``RandomForest`` (scikit-learn's `RandomForest*` names and defaults).
public struct RandomForestParameters: HyperparameterSet {
  /// Number of trees (`n_estimators`).
  public var trees: Int
  /// Depth limit; 0 for none (`max_depth`).
  public var maxDepth: Int
  /// Smallest (weighted) node that may be split (`min_samples_split`).
  public var minSamplesSplit: Int
  /// Smallest (weighted) leaf (`min_samples_leaf`).
  public var minSamplesLeaf: Int
  /// Features tried per split: `sqrt`, `log2`, or a share in (0, 1] (`max_features`);
  /// `sqrt` by default for classification, 1.0 for regression.
  public var maxFeatures: ParameterValue?
  /// Whether each tree sees a bootstrap sample (`bootstrap`).
  public var bootstrap: Bool
  /// Bins per feature (`max_bins`, 2…255): splits are searched between bin edges.
  public var maxBins: Int
  /// Seed (`random_state`).
  public var seed: Int
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads the hyperparameters listed above by their scikit-learn names.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    var given = values
    let features = given.removeValue(forKey: "max_features")
    if let features {
      switch features {
      case .string("sqrt"), .string("log2"): break
      case let value where (value.number ?? 0) > 0 && (value.number ?? 0) <= 1: break
      default:
        throw TrainingError(.invalidHyperparameter, "random_forest: 'max_features' must be 'sqrt', 'log2' or a share in (0, 1], got '\(features)'")
      }
    }
    var reader = ParameterReader(.randomForest, given)
    trees = try reader.int("n_estimators", 100, min: 1)
    maxDepth = try reader.int("max_depth", 0, min: 0)
    minSamplesSplit = try reader.int("min_samples_split", 2, min: 2)
    minSamplesLeaf = try reader.int("min_samples_leaf", 1, min: 1)
    bootstrap = try reader.bool("bootstrap", true)
    maxBins = try reader.int("max_bins", 255, min: 2, max: 255)
    seed = try reader.int("random_state", 0, min: 0)
    try reader.finish()
    maxFeatures = features
    var resolved = reader.resolved
    if let features { resolved["max_features"] = features }
    self.values = resolved
  }

  func featuresPerSplit(_ featureCount: Int, classification: Bool) -> Int {
    let count: Double
    switch maxFeatures ?? (classification ? .string("sqrt") : .double(1)) {
    case .string("sqrt"): count = Double(featureCount).squareRoot()
    case .string("log2"): count = log2(Double(featureCount))
    case let value: count = (value.number ?? 1) * Double(featureCount)
    }
    return min(featureCount, max(1, Int(count)))
  }
}

/// A random forest of fully grown trees on binned features, for classification and regression.
///
/// Trees are grown in parallel, each by ``ForestTreeBuilder`` with its own seeded stream, so the
/// forest is the same on any number of cores. Predictions average the trees' leaf class
/// distributions (or values).
public struct RandomForest: Model, Equatable {
  public typealias Parameters = RandomForestParameters
  /// ``Algorithm/randomForest``.
  public static let algorithm = Algorithm.randomForest

  /// The trees.
  public var trees: [DecisionTree]
  /// Number of classes, or 0 for regression.
  public var classCount: Int

  /// Grows the forest.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for empty data.
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> RandomForest {
    try requireRows(x, target)
    let binner = FeatureBinner(x, maxBins: parameters.maxBins, seed: UInt64(parameters.seed))
    let bins = binner.transform(x)
    let n = x.rows
    var labels: [Int] = [], values: [Double] = [], classCount = 0
    switch target {
    case .classes(let y, let k): labels = y; classCount = k
    case .values(let y): values = y
    }
    let settings = ForestTreeBuilder.Settings(
      maxDepth: parameters.maxDepth, minSamplesSplit: Double(parameters.minSamplesSplit),
      minSamplesLeaf: Double(parameters.minSamplesLeaf),
      featuresPerSplit: parameters.featuresPerSplit(x.columns, classification: classCount > 0))
    var trees = [DecisionTree](repeating: DecisionTree(outputs: 1), count: parameters.trees)
    let done = Counter()
    bins.withUnsafeBufferPointer { b in
      let builder = ForestTreeBuilder(bins: b.baseAddress!, rowCount: n, binner: binner, classCount: classCount,
                                      labels: labels, values: values)
      trees.withUnsafeMutableBufferPointer { out in
        Parallel.forEach(parameters.trees) { t in
          var generator = SeededGenerator(seed: UInt64(parameters.seed), stream: UInt64(t))
          var weights = [Double](repeating: parameters.bootstrap ? 0 : 1, count: n)
          if parameters.bootstrap { for _ in 0..<n { weights[generator.nextInt(below: n)] += 1 } }
          out[t] = builder.build(weights: weights, settings: settings, generator: &generator)
          progress?(TrainingProgress(iteration: done.increment(), total: parameters.trees))
        }
      }
    }
    return RandomForest(trees: trees, classCount: classCount)
  }

  /// Mean class distribution (`n × classCount`) or mean prediction (`n × 1`) of the trees.
  public func predict(_ x: Matrix) -> Matrix {
    let outputs = max(1, classCount)
    var out = Matrix(rows: x.rows, columns: outputs)
    let scale = 1 / Double(trees.count)
    x.values.withUnsafeBufferPointer { xs in
      out.values.withUnsafeMutableBufferPointer { o in
        Parallel.forChunks(x.rows, size: 256) { range in
          for r in range {
            let row = xs.baseAddress! + r * x.columns
            for tree in trees {
              let leaf = tree.leaf(row)
              for k in 0..<outputs { o[r * outputs + k] += tree.values[leaf * outputs + k] * scale }
            }
          }
        }
      }
    }
    return out
  }
}
