/// Turns a ``Dataset``'s feature columns into a numeric ``Matrix``, exactly as fitted on training data.
///
/// Fitting learns, per numeric column, the fill value for missing entries (``ImputationStrategy``)
/// and the mean and standard deviation for standardization; per categorical column, the fill value
/// (most frequent category) and the categories for one-hot encoding. The fitted preprocessor is
/// saved in the model artifact, so serving applies the same transforms. A category not seen in
/// training becomes all zeros in its one-hot block, rather than an error.
public struct Preprocessor: Sendable, Codable, Equatable {
  /// The learned transform of one input column.
  public enum Transform: Sendable, Codable, Equatable {
    /// `(value ?? fill - center) / scale`.
    case numeric(fill: Double, center: Double, scale: Double)
    /// One output per category; missing values count as `fill`.
    case oneHot(fill: String?, categories: [String])
  }

  /// The input features, in order.
  public var features: [FeatureSpec]
  /// One transform per feature.
  public var transforms: [Transform]
  /// The options it was fitted with.
  public var options: PreprocessingOptions

  /// Learns the transforms from training data.
  /// - Parameters:
  ///   - dataset: Training rows.
  ///   - features: Names of the columns to use as features.
  ///   - options: Imputation strategy and standardization.
  /// - Throws: ``TrainingError`` (`missing-column`) if a feature isn't in the data.
  public static func fit(_ dataset: Dataset, features: [String],
                         options: PreprocessingOptions = PreprocessingOptions()) throws -> Preprocessor {
    var specs: [FeatureSpec] = []
    var transforms: [Transform] = []
    for name in features {
      let column = try dataset.column(named: name)
      specs.append(FeatureSpec(name: name, type: column.type))
      switch column.values {
      case .numeric(let values):
        let present = values.compactMap { $0 }
        let fill = present.isEmpty ? 0 : Self.fillValue(present, options.imputation)
        var center = 0.0, scale = 1.0
        if options.standardize, !present.isEmpty {
          // Statistics of the imputed column, as scikit-learn's imputer-then-scaler pipeline computes them.
          let n = Double(values.count)
          center = values.reduce(0) { $0 + ($1 ?? fill) } / n
          let variance = values.reduce(0) { $0 + (($1 ?? fill) - center) * (($1 ?? fill) - center) } / n
          scale = variance > 1e-24 ? variance.squareRoot() : 1
        }
        transforms.append(.numeric(fill: fill, center: center, scale: scale))
      case .categorical(let values):
        var counts: [String: Int] = [:]
        for case let value? in values { counts[value, default: 0] += 1 }
        let fill = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        transforms.append(.oneHot(fill: fill, categories: counts.keys.sorted()))
      }
    }
    return Preprocessor(features: specs, transforms: transforms, options: options)
  }

  /// Names of the output columns: the feature name, or `name=category` for one-hot outputs.
  public var outputNames: [String] {
    zip(features, transforms).flatMap { feature, transform -> [String] in
      switch transform {
      case .numeric: [feature.name]
      case .oneHot(_, let categories): categories.map { "\(feature.name)=\($0)" }
      }
    }
  }

  /// Applies the fitted transforms.
  /// - Throws: ``TrainingError`` (`feature-mismatch`) if a feature is missing or has another type.
  public func transform(_ dataset: Dataset) throws -> Matrix {
    let width = outputNames.count
    var out = [Double](repeating: 0, count: dataset.rowCount * width)
    var offset = 0
    for (feature, transform) in zip(features, transforms) {
      guard let column = dataset.columns.first(where: { $0.name == feature.name }) else {
        throw TrainingError(.featureMismatch, "the data has no column '\(feature.name)', which the model was trained on")
      }
      switch (transform, column.values) {
      case (.numeric(let fill, let center, let scale), .numeric(let values)):
        for (row, value) in values.enumerated() { out[row * width + offset] = ((value ?? fill) - center) / scale }
        offset += 1
      case (.oneHot(let fill, let categories), .categorical(let values)):
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        for (row, value) in values.enumerated() {
          if let category = value ?? fill, let k = index[category] { out[row * width + offset + k] = 1 }
        }
        offset += categories.count
      case (.oneHot(let fill, let categories), .numeric(let values)):
        // A categorical feature whose values all happen to look like numbers in this file.
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        for (row, value) in values.enumerated() {
          if let category = value.map(Column.format) ?? fill, let k = index[category] { out[row * width + offset + k] = 1 }
        }
        offset += categories.count
      case (.numeric, .categorical):
        throw TrainingError(.featureMismatch, "column '\(feature.name)' holds text, but the model was trained on it as a number")
      }
    }
    return Matrix(rows: dataset.rowCount, columns: width, values: out)
  }

  static func fillValue(_ present: [Double], _ strategy: ImputationStrategy) -> Double {
    switch strategy {
    case .mean:
      return present.reduce(0, +) / Double(present.count)
    case .median:
      let sorted = present.sorted()
      let mid = sorted.count / 2
      return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    case .mostFrequent:
      var counts: [Double: Int] = [:]
      for value in present { counts[value, default: 0] += 1 }
      return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
    }
  }
}
