import FlowCore
import Foundation

/// Writes a ``Dataset`` (or a feature matrix with labels) as CSV with a header row.
///
/// Numbers are written in Swift's shortest round-trip form, so reading the file back with
/// ``CSVReader`` gives exactly the same values. Missing values are written as empty fields.
public enum CSVWriter {
  /// The CSV text of `dataset`.
  public static func text(of dataset: Dataset) -> String {
    var out = dataset.columnNames.map(quoted).joined(separator: ",") + "\n"
    for row in 0..<dataset.rowCount {
      out += dataset.columns.map { column -> String in
        switch column.values {
        case .numeric(let v): v[row].map { Column.format($0) } ?? ""
        case .categorical(let v): v[row].map(quoted) ?? ""
        }
      }.joined(separator: ",")
      out += "\n"
    }
    return out
  }

  /// Writes `dataset` to `path`.
  /// - Throws: ``TrainingError`` (`io`).
  public static func write(_ dataset: Dataset, toFile path: String) throws {
    try write(Data(text(of: dataset).utf8), to: path)
  }

  /// Writes a numeric matrix plus an integer label column, quickly (used for large synthetic sets).
  /// - Throws: ``TrainingError`` (`io`).
  public static func write(features: Matrix, labels: [Int], header: [String], toFile path: String) throws {
    var bytes = [UInt8]()
    bytes.reserveCapacity(features.rows * (features.columns + 1) * 10)
    bytes.append(contentsOf: Array(header.joined(separator: ",").utf8))
    bytes.append(10)
    for r in 0..<features.rows {
      for c in 0..<features.columns {
        appendFixed(features[r, c], to: &bytes)
        bytes.append(44)
      }
      bytes.append(contentsOf: Array(String(labels[r]).utf8))
      bytes.append(10)
    }
    try write(Data(bytes), to: path)
  }

  /// Appends `value` with 6 decimals (the synthetic data is generated on that grid, so it is exact to read back).
  private static func appendFixed(_ value: Double, to bytes: inout [UInt8]) {
    var scaled = Int64((abs(value) * 1_000_000).rounded())
    if value < 0, scaled != 0 { bytes.append(45) }
    let whole = scaled / 1_000_000
    scaled %= 1_000_000
    bytes.append(contentsOf: Array(String(whole).utf8))
    bytes.append(46)
    var digits = [UInt8](repeating: 48, count: 6)
    for k in stride(from: 5, through: 0, by: -1) { digits[k] = UInt8(48 + scaled % 10); scaled /= 10 }
    bytes.append(contentsOf: digits)
  }

  private static func quoted(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private static func write(_ data: Data, to path: String) throws {
    do {
      let url = URL(fileURLWithPath: path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    } catch {
      throw TrainingError(.io, "can't write '\(path)': \(FileErrorReason.reason(for: error, path: path, writing: true))")
    }
  }
}
