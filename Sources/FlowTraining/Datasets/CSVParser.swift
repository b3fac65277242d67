import Foundation

/// The byte-level CSV scanner behind ``CSVReader``.
struct CSVParser {
  private let bytes: UnsafeBufferPointer<UInt8>
  private let options: CSVReader.Options
  private var position = 0
  private var line = 1
  private var bodyStart = 0
  private var bodyLine = 1
  private let scratch = ScratchBuffer()

  private static let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r"), space = UInt8(ascii: " ")

  private let markersLookNumeric: Bool

  init(bytes: UnsafeBufferPointer<UInt8>, options: CSVReader.Options) {
    self.bytes = bytes
    self.options = options
    markersLookNumeric = options.missingMarkers.contains { marker in
      guard let first = marker.utf8.first else { return false }
      return (first >= 48 && first <= 57) || first == 45 || first == 46
    }
    // Skip a UTF-8 byte order mark.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
  }

  /// Reads the header row and remembers where the data starts.
  mutating func header() throws -> [String] {
    skipBlankLines()
    guard position < bytes.count else {
      throw TrainingError(.emptyFile, "the file is empty: expected a header row")
    }
    var names: [String] = []
    var seen = Set<String>()
    while true {
      let (field, last) = try nextField()
      let name = String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)
      if name.isEmpty {
        throw TrainingError(.malformedCSV, "header field \(names.count + 1) is empty", at: .init(line: line))
      }
      if !seen.insert(name).inserted {
        throw TrainingError(.malformedCSV, "column name '\(name)' appears twice in the header",
                            at: .init(line: line))
      }
      names.append(name)
      if last { break }
    }
    endRecord()
    bodyStart = position
    bodyLine = line
    return names
  }

  mutating func restartAfterHeader() {
    position = bodyStart
    line = bodyLine
  }

  /// Reads all data rows. Returns `nil` when a column thought numeric turned out to hold text
  /// (its index is added to `categorical`, and the caller starts again).
  mutating func rows(header: [String], categorical: inout Set<Int>) throws -> [Column]? {
    let width = header.count
    var numbers = [[Double?]](repeating: [], count: width)
    var texts = [[String?]](repeating: [], count: width)
    let estimate = bytes.count / max(1, 4 * width)
    for c in 0..<width {
      if categorical.contains(c) { texts[c].reserveCapacity(estimate) } else { numbers[c].reserveCapacity(estimate) }
    }
    while true {
      skipBlankLines()
      if position >= bytes.count { break }
      let rowLine = line
      var column = 0
      while true {
        let (field, last) = try nextField()
        if column >= width {
          throw TrainingError(.raggedRow, "expected \(width) fields as in the header, found more",
                              at: .init(line: rowLine))
        }
        let trimmed = Self.trim(field)
        let missing = isMissing(trimmed)
        if categorical.contains(column) {
          texts[column].append(missing ? nil : String(decoding: trimmed, as: UTF8.self))
        } else if missing {
          numbers[column].append(nil)
        } else if let value = NumberParser.parse(trimmed) {
          numbers[column].append(value)
        } else if options.columnTypes[header[column]] == .numeric {
          throw TrainingError(.nonNumericValue,
                              "'\(String(decoding: trimmed, as: UTF8.self))' is not a number",
                              at: .init(line: rowLine, column: header[column]))
        } else {
          categorical.insert(column)
          return nil
        }
        column += 1
        if last { break }
      }
      if column != width {
        throw TrainingError(.raggedRow, "expected \(width) fields as in the header, found \(column)",
                            at: .init(line: rowLine))
      }
      endRecord()
    }
    return (0..<width).map { c in
      categorical.contains(c) ? .categorical(header[c], texts[c]) : .numeric(header[c], numbers[c])
    }
  }

  private func isMissing(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
    if field.isEmpty { return true }
    // Fast path: a field that starts like a number is not a marker (unless a marker does).
    let first = field[0]
    if !markersLookNumeric, (first >= 48 && first <= 57) || first == 45 || first == 46 { return false }
    return options.missingMarkers.contains(String(decoding: field, as: UTF8.self))
  }

  private static func trim(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0, end = field.count
    while start < end, field[start] == space || field[start] == 9 { start += 1 }
    while end > start, field[end - 1] == space || field[end - 1] == 9 { end -= 1 }
    return UnsafeBufferPointer(rebasing: field[start..<end])
  }

  private mutating func skipBlankLines() {
    while position < bytes.count {
      let b = bytes[position]
      if b == Self.newline { line += 1; position += 1 } else if b == Self.carriageReturn { position += 1 } else { break }
    }
  }

  /// Consumes the line break after a record.
  private mutating func endRecord() {
    if position < bytes.count, bytes[position] == Self.carriageReturn { position += 1 }
    if position < bytes.count, bytes[position] == Self.newline { position += 1; line += 1 }
  }

  /// The next field's bytes, and whether it was the last one of its record.
  /// A quoted field is unescaped into `scratch`, so its buffer is valid until the next call.
  private mutating func nextField() throws -> (UnsafeBufferPointer<UInt8>, Bool) {
    let delimiter = options.delimiter
    var start = position
    while start < bytes.count, bytes[start] == Self.space { start += 1 }
    if start < bytes.count, bytes[start] == Self.quote {
      let openLine = line
      scratch.count = 0
      var i = start + 1
      while true {
        guard i < bytes.count else {
          throw TrainingError(.malformedCSV, "a quoted field is not closed", at: .init(line: openLine))
        }
        let b = bytes[i]
        if b == Self.quote {
          if i + 1 < bytes.count, bytes[i + 1] == Self.quote { scratch.append(Self.quote); i += 2; continue }
          i += 1
          break
        }
        if b == Self.newline { line += 1 }
        scratch.append(b)
        i += 1
      }
      while i < bytes.count, bytes[i] == Self.space { i += 1 }
      let last: Bool
      if i >= bytes.count || bytes[i] == Self.newline || bytes[i] == Self.carriageReturn {
        last = true
      } else if bytes[i] == delimiter {
        last = false
        i += 1
      } else {
        throw TrainingError(.malformedCSV, "unexpected text after a closing quote", at: .init(line: line))
      }
      position = i
      return (scratch.buffer, last)
    }
    var i = position
    while i < bytes.count {
      let b = bytes[i]
      if b == delimiter {
        position = i + 1
        return (UnsafeBufferPointer(rebasing: bytes[start..<i]), false)
      }
      if b == Self.newline || b == Self.carriageReturn { break }
      i += 1
    }
    position = i
    return (UnsafeBufferPointer(rebasing: bytes[min(start, i)..<i]), true)
  }
}

/// Growable byte storage for unescaped quoted fields; views into it are valid until the next append.
private final class ScratchBuffer {
  private var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
  private var capacity = 256
  var count = 0

  func append(_ byte: UInt8) {
    if count == capacity {
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
      bigger.update(from: storage, count: count)
      storage.deallocate()
      storage = bigger
      capacity *= 2
    }
    storage[count] = byte
    count += 1
  }

  var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

  deinit { storage.deallocate() }
}
