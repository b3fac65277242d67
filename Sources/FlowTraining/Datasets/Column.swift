/// One typed column of a ``Dataset``.
public struct Column: Sendable, Equatable {
  /// The column's values: numbers (missing as `nil`) or categories (missing as `nil`).
  public enum Values: Sendable, Equatable {
    /// Numeric values.
    case numeric([Double?])
    /// Categorical (string) values.
    case categorical([String?])
  }

  /// The header name.
  public var name: String
  /// The values.
  public var values: Values

  /// Creates a numeric column.
  public static func numeric(_ name: String, _ values: [Double?]) -> Column {
    Column(name: name, values: .numeric(values))
  }

  /// Creates a categorical column.
  public static func categorical(_ name: String, _ values: [String?]) -> Column {
    Column(name: name, values: .categorical(values))
  }

  /// Number of values.
  public var count: Int {
    switch values {
    case .numeric(let v): v.count
    case .categorical(let v): v.count
    }
  }

  /// The column's type.
  public var type: ColumnType {
    if case .numeric = values { return .numeric }
    return .categorical
  }

  /// Number of missing values.
  public var missingCount: Int {
    switch values {
    case .numeric(let v): v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
    case .categorical(let v): v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
    }
  }

  /// The value at `row` as text (`nil` when missing); numbers print without a trailing `.0`.
  public func text(at row: Int) -> String? {
    switch values {
    case .numeric(let v): v[row].map(Column.format)
    case .categorical(let v): v[row]
    }
  }

  /// The rows at `indices`, in that order.
  public func rows(_ indices: [Int]) -> Column {
    switch values {
    case .numeric(let v): .numeric(name, indices.map { v[$0] })
    case .categorical(let v): .categorical(name, indices.map { v[$0] })
    }
  }

  /// Formats a number the way labels are printed: `3` rather than `3.0`.
  static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}

/// Whether a column holds numbers or categories.
public enum ColumnType: String, Sendable, Codable, Hashable {
  /// Numbers (integers or reals).
  case numeric
  /// Strings, one of a finite set of categories.
  case categorical
}
