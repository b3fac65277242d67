import FlowCore
import Foundation

/// Reads typed columns from CSV bytes for ``CSVReader``, over FlowCore's ``CSVScanner``.
struct CSVParser {
  private var scanner: CSVScanner
  private let options: CSVReader.Options
  private var body: CSVScanner.Mark
  private let markersLookNumeric: Bool
  private let byteCount: Int

  init(bytes: UnsafeBufferPointer<UInt8>, options: CSVReader.Options) {
    scanner = CSVScanner(bytes: bytes, delimiter: options.delimiter)
    body = scanner.mark
    byteCount = bytes.count
    self.options = options
    markersLookNumeric = options.missingMarkers.contains { marker in
      guard let first = marker.utf8.first else { return false }
      return (first >= 48 && first <= 57) || first == 45 || first == 46
    }
  }

  /// Reads the header row and remembers where the data starts.
  mutating func header() throws -> [String] {
    guard scanner.startRecord() else {
      throw TrainingError(.emptyFile, "the file is empty: expected a header row")
    }
    var names: [String] = []
    var seen = Set<String>()
    var last = false
    while !last {
      let field: UnsafeBufferPointer<UInt8>
      (field, last) = try nextField()
      let name = String(decoding: CSVScanner.trimmed(field), as: UTF8.self)
      if name.isEmpty {
        throw TrainingError(.malformedCSV, "header field \(names.count + 1) is empty", at: .init(line: scanner.line))
      }
      if !seen.insert(name).inserted {
        throw TrainingError(.malformedCSV, "column name '\(name)' appears twice in the header",
                            at: .init(line: scanner.line))
      }
      names.append(name)
    }
    body = scanner.mark
    return names
  }

  mutating func restartAfterHeader() {
    scanner.rewind(to: body)
  }

  /// Reads all data rows. Returns `nil` when a column thought numeric turned out to hold text
  /// (its index is added to `categorical`, and the caller starts again).
  mutating func rows(header: [String], categorical: inout Set<Int>) throws -> [Column]? {
    let width = header.count
    var numbers = [[Double?]](repeating: [], count: width)
    var texts = [[String?]](repeating: [], count: width)
    let estimate = byteCount / max(1, 4 * width)
    for c in 0..<width {
      if categorical.contains(c) { texts[c].reserveCapacity(estimate) } else { numbers[c].reserveCapacity(estimate) }
    }
    while scanner.startRecord() {
      let rowLine = scanner.line
      var column = 0
      var last = false
      while !last {
        let raw: UnsafeBufferPointer<UInt8>
        (raw, last) = try nextField()
        if column >= width {
          throw TrainingError(.raggedRow, "expected \(width) fields as in the header, found more",
                              at: .init(line: rowLine))
        }
        let field = CSVScanner.trimmed(raw)
        let missing = isMissing(field)
        if categorical.contains(column) {
          texts[column].append(missing ? nil : String(decoding: field, as: UTF8.self))
        } else if missing {
          numbers[column].append(nil)
        } else if let value = NumberParser.parse(field) {
          numbers[column].append(value)
        } else if options.columnTypes[header[column]] == .numeric {
          throw TrainingError(.nonNumericValue,
                              "'\(String(decoding: field, as: UTF8.self))' is not a number",
                              at: .init(line: rowLine, column: header[column]))
        } else {
          categorical.insert(column)
          return nil
        }
        column += 1
      }
      if column != width {
        throw TrainingError(.raggedRow, "expected \(width) fields as in the header, found \(column)",
                            at: .init(line: rowLine))
      }
    }
    return (0..<width).map { c in
      categorical.contains(c) ? .categorical(header[c], texts[c]) : .numeric(header[c], numbers[c])
    }
  }

  /// The scanner's next field, its syntax error turned into a located ``TrainingError``.
  @inline(__always)
  private mutating func nextField() throws -> (UnsafeBufferPointer<UInt8>, Bool) {
    do {
      let next = try scanner.nextField()
      return (next.field, next.last)
    } catch {
      throw TrainingError(.malformedCSV, error.message, at: .init(line: error.line))
    }
  }

  private func isMissing(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
    if field.isEmpty { return true }
    // Fast path: a field that starts like a number is not a marker (unless a marker does).
    let first = field[0]
    if !markersLookNumeric, (first >= 48 && first <= 57) || first == 45 || first == 46 { return false }
    return options.missingMarkers.contains(String(decoding: field, as: UTF8.self))
  }
}
