/// How a numeric column's missing values are filled in.
public enum ImputationStrategy: String, Sendable, Codable, Hashable, CaseIterable {
  /// The training mean.
  case mean
  /// The training median.
  case median
  /// The most frequent training value (ties: the smallest).
  case mostFrequent = "most_frequent"
}

/// Choices for fitting a ``Preprocessor``.
public struct PreprocessingOptions: Sendable, Codable, Hashable {
  /// How missing numbers are filled in (categories always use the most frequent one).
  public var imputation: ImputationStrategy
  /// Whether numeric columns are scaled to mean 0 and standard deviation 1.
  public var standardize: Bool

  /// Creates options.
  public init(imputation: ImputationStrategy = .mean, standardize: Bool = true) {
    self.imputation = imputation
    self.standardize = standardize
  }
}

/// A feature the model was trained on: its name and type.
public struct FeatureSpec: Sendable, Codable, Hashable {
  /// The column name.
  public var name: String
  /// Numeric or categorical.
  public var type: ColumnType
  /// Creates a feature description.
  public init(name: String, type: ColumnType) {
    self.name = name
    self.type = type
  }
}
