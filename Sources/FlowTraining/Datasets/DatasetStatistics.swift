import Foundation

/// Summary statistics of a data set: the baseline that drift monitoring compares new data with.
public struct DatasetStatistics: Sendable, Codable, Equatable {
  /// Statistics of one column.
  public struct ColumnStatistics: Sendable, Codable, Equatable {
    /// The column name.
    public var name: String
    /// Numeric or categorical.
    public var type: ColumnType
    /// Number of present values.
    public var count: Int
    /// Number of missing values.
    public var missing: Int
    /// Mean (numeric columns with values).
    public var mean: Double?
    /// Sample standard deviation, n − 1 in the denominator (numeric columns with 2+ values).
    public var std: Double?
    /// Smallest value.
    public var min: Double?
    /// Largest value.
    public var max: Double?
    /// Quantiles at ``DatasetStatistics/quantileLevels`` (linear interpolation, as NumPy's default).
    public var quantiles: [Double]?
    /// Counts in 10 equal-width bins from `min` to `max` (the last bin includes `max`).
    public var histogram: [Int]?
    /// Count of each category (categorical columns).
    public var categoryCounts: [String: Int]?
  }

  /// The quantile levels reported for numeric columns.
  public static let quantileLevels: [Double] = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]

  /// Number of rows.
  public var rowCount: Int
  /// One entry per column, in column order.
  public var columns: [ColumnStatistics]
  /// Rows per class of the target column, when one was named.
  public var classCounts: [String: Int]?

  /// Computes the statistics of `dataset`.
  /// - Parameter target: A classification target whose class counts are reported.
  /// - Throws: ``TrainingError`` (`missing-column`) if `target` isn't a column.
  public init(_ dataset: Dataset, target: String? = nil) throws {
    rowCount = dataset.rowCount
    columns = dataset.columns.map(Self.statistics)
    if let target {
      let column = try dataset.column(named: target)
      var counts: [String: Int] = [:]
      for row in 0..<column.count { if let label = column.text(at: row) { counts[label, default: 0] += 1 } }
      classCounts = counts
    }
  }

  /// The statistics of the column called `name`, if any.
  public func column(named name: String) -> ColumnStatistics? { columns.first { $0.name == name } }

  private static func statistics(of column: Column) -> ColumnStatistics {
    switch column.values {
    case .categorical(let values):
      var counts: [String: Int] = [:]
      for case let value? in values { counts[value, default: 0] += 1 }
      let present = counts.values.reduce(0, +)
      return ColumnStatistics(name: column.name, type: .categorical, count: present,
                              missing: values.count - present, categoryCounts: counts)
    case .numeric(let values):
      let present = values.compactMap { $0 }.sorted()
      var stats = ColumnStatistics(name: column.name, type: .numeric, count: present.count,
                                   missing: values.count - present.count)
      guard let low = present.first, let high = present.last else { return stats }
      let n = Double(present.count)
      let mean = present.reduce(0, +) / n
      stats.mean = mean
      if present.count > 1 {
        stats.std = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
      }
      stats.min = low
      stats.max = high
      stats.quantiles = quantileLevels.map { quantile(present, $0) }
      var histogram = [Int](repeating: 0, count: 10)
      let width = (high - low) / 10
      for value in present {
        let bin = width > 0 ? Swift.min(9, Int((value - low) / width)) : 0
        histogram[bin] += 1
      }
      stats.histogram = histogram
      return stats
    }
  }

  /// Linear-interpolation quantile of sorted values.
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = Swift.min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
  }
}
