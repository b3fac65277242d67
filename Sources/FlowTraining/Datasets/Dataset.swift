/// A columnar, typed table: what ``CSVReader`` reads and models train on.
///
/// Columns are stored separately and keep their type, so a numeric column is a `[Double?]`
/// rather than strings, and selecting rows (for a split) copies each column once.
public struct Dataset: Sendable, Equatable {
  /// The columns, in file order.
  public private(set) var columns: [Column]
  /// Number of rows.
  public let rowCount: Int

  /// Creates a data set from columns of equal length.
  /// - Throws: ``TrainingError`` (`invalid-argument`) if the lengths differ or names repeat.
  public init(columns: [Column]) throws {
    let count = columns.first?.count ?? 0
    if let bad = columns.first(where: { $0.count != count }) {
      throw TrainingError(.invalidArgument,
                          "column '\(bad.name)' has \(bad.count) values, expected \(count)")
    }
    var seen = Set<String>()
    for column in columns where !seen.insert(column.name).inserted {
      throw TrainingError(.invalidArgument, "column name '\(column.name)' appears twice")
    }
    self.columns = columns
    self.rowCount = count
  }

  /// The column names, in order.
  public var columnNames: [String] { columns.map(\.name) }

  /// The column called `name`.
  /// - Throws: ``TrainingError`` (`missing-column`) naming the available columns.
  public func column(named name: String) throws -> Column {
    guard let column = columns.first(where: { $0.name == name }) else {
      throw TrainingError(.missingColumn, "no column named '\(name)' (columns: \(Dataset.list(columnNames)))")
    }
    return column
  }

  /// Whether a column called `name` exists.
  public func hasColumn(_ name: String) -> Bool { columns.contains { $0.name == name } }

  /// The rows at `indices`, in that order.
  public func rows(_ indices: [Int]) -> Dataset {
    // Lengths stay equal, so the throwing initialiser can't fail.
    try! Dataset(columns: columns.map { $0.rows(indices) })
  }

  /// The same data set with only the named columns, in the given order.
  /// - Throws: ``TrainingError`` (`missing-column`).
  public func selecting(_ names: [String]) throws -> Dataset {
    try Dataset(columns: names.map { try column(named: $0) })
  }

  /// The same data set without the column called `name` (if present).
  public func removing(_ name: String) -> Dataset {
    try! Dataset(columns: columns.filter { $0.name != name })
  }

  static func list(_ names: [String]) -> String {
    let shown = names.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
    return names.count > 8 ? shown + ", … (\(names.count) in all)" : shown
  }
}
