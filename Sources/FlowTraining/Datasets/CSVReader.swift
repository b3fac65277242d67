import FlowCore
import Foundation

/// Reads CSV text with a header row into a typed, columnar ``Dataset``.
///
/// Column types are inferred: a column is numeric when every non-missing value parses as a
/// number, and categorical otherwise, unless ``Options/columnTypes`` fixes the type. Fields may be
/// quoted (`"a, b"`, with `""` for a quote inside); missing values are empty fields or one of
/// ``Options/missingMarkers`` (`NA` by default). Blank lines are skipped.
///
/// ```swift
/// let data = try CSVReader().read(contentsOfFile: "data/digits.csv")
/// ```
public struct CSVReader: Sendable {
  /// How to read the file.
  public struct Options: Sendable {
    /// The field separator, `,` by default.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Field texts (after unquoting and trimming spaces) that mean "missing".
    public var missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null"]
    /// Fixed types for some columns; a non-number in a column fixed as numeric is an error.
    public var columnTypes: [String: ColumnType] = [:]
    /// Creates the default options.
    public init() {}
  }

  /// The options in use.
  public var options: Options

  /// Creates a reader.
  public init(options: Options = Options()) { self.options = options }

  /// Reads the file at `path`.
  /// - Throws: ``TrainingError`` with code `io`, `empty-file`, `ragged-row`, `malformed-csv` or
  ///   `non-numeric-value`, with the line and column of the problem.
  public func read(contentsOfFile path: String) throws -> Dataset {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw TrainingError(.io, "can't read '\(path)': \(FileErrorReason.reason(for: error, path: path))")
    }
    return try read(data: data)
  }

  /// Reads CSV text.
  /// - Throws: ``TrainingError`` as for ``read(contentsOfFile:)``.
  public func read(_ text: String) throws -> Dataset {
    try read(data: Data(text.utf8))
  }

  /// Reads CSV bytes (UTF-8).
  /// - Throws: ``TrainingError`` as for ``read(contentsOfFile:)``.
  public func read(data: Data) throws -> Dataset {
    try data.withUnsafeBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      var parser = CSVParser(bytes: bytes, options: options)
      let header = try parser.header()
      var categorical = Set<Int>()
      for (index, name) in header.enumerated() where options.columnTypes[name] == .categorical {
        categorical.insert(index)
      }
      // A column found to hold text after some rows were read as numbers is re-read from the
      // start; this happens at most once per column and usually on the first data row.
      while true {
        parser.restartAfterHeader()
        if let columns = try parser.rows(header: header, categorical: &categorical) {
          return try Dataset(columns: columns)
        }
      }
    }
  }
}
