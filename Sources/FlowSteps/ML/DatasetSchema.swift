import FlowCore
import FlowTraining
import Foundation

/// A declared schema that `flow:process` checks a CSV file against (`Schema` parameter).
///
/// ```yaml
/// Schema:
///   Columns: {"f*": numeric, target: numeric}   # a trailing * matches any suffix
///   AllowExtraColumns: false                    # default true
///   AllowMissing: false                         # default true
///   MinRows: 100
/// ```
struct DatasetSchema {
  var columns: [(pattern: String, type: ColumnType)] = []
  var allowExtraColumns = true
  var allowMissing = true
  var minRows = 0

  static let fields = ["Columns", "AllowExtraColumns", "AllowMissing", "MinRows"]

  init(_ value: JSONValue) throws {
    let parameters = try StepParameters(value, step: "Process", known: Self.fields)
    for (pattern, type) in try parameters.object("Columns") ?? [:] {
      guard let name = type.stringValue, let columnType = ColumnType(rawValue: name) else {
        throw parameters.invalid("Schema.Columns.\(pattern) must be 'numeric' or 'categorical', got \(type)")
      }
      columns.append((pattern, columnType))
    }
    allowExtraColumns = try parameters.bool("AllowExtraColumns", default: true)
    allowMissing = try parameters.bool("AllowMissing", default: true)
    minRows = try parameters.int("MinRows", default: 0, min: 0)
  }

  /// The declared type of `column`: an exact entry first, else the longest matching wildcard.
  func type(of column: String) -> ColumnType? {
    if let exact = columns.first(where: { $0.pattern == column }) { return exact.type }
    return columns.filter { $0.pattern.hasSuffix("*") && column.hasPrefix(String($0.pattern.dropLast())) }
      .max { $0.pattern.count < $1.pattern.count }?.type
  }

  /// Checks `dataset` (read from `file`), converting numeric-looking columns declared categorical.
  /// - Throws: ``StepFailure`` (`Process.InvalidSchema`) naming the file, and the line and column of the first problem.
  func check(_ dataset: Dataset, file: String) throws -> Dataset {
    func fail(_ message: String, line: Int? = nil) -> StepFailure {
      StepFailure("Process.InvalidSchema", cause: "\(file)\(line.map { ":\($0)" } ?? ""): \(message)")
    }
    for (pattern, type) in columns where !pattern.hasSuffix("*") && !dataset.hasColumn(pattern) {
      throw fail("the schema declares the \(type.rawValue) column '\(pattern)', which the file lacks (columns: \(Self.list(dataset.columnNames)))")
    }
    var columns: [Column] = []
    for column in dataset.columns {
      guard let declared = type(of: column.name) else {
        if !allowExtraColumns { throw fail("column '\(column.name)' is not in the schema (AllowExtraColumns is false)", line: 1) }
        columns.append(column)
        continue
      }
      var checked = column
      switch (declared, column.values) {
      case (.numeric, .categorical(let values)):
        let row = values.firstIndex { value in value.map { Double($0.trimmingCharacters(in: .whitespaces)) == nil } ?? false } ?? 0
        throw fail("column '\(column.name)' holds '\(values[row] ?? "")', which is not a number (the schema declares it numeric)", line: row + 2)
      case (.categorical, .numeric(let values)):
        checked = .categorical(column.name, values.indices.map { column.text(at: $0) })
      default: break
      }
      if !allowMissing, checked.missingCount > 0 {
        let row = (0..<checked.count).first { checked.text(at: $0) == nil } ?? 0
        throw fail("column '\(column.name)' has a missing value (AllowMissing is false)", line: row + 2)
      }
      columns.append(checked)
    }
    if dataset.rowCount < minRows { throw fail("\(dataset.rowCount) rows, fewer than MinRows (\(minRows))") }
    return try Dataset(columns: columns)
  }

  static func list(_ names: [String]) -> String {
    names.count > 8 ? names.prefix(8).joined(separator: ", ") + ", … (\(names.count) in all)" : names.joined(separator: ", ")
  }
}
