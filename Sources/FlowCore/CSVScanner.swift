/// The one CSV tokenizer: splits UTF-8 bytes into records and fields (RFC 4180 quoting), tracking line numbers.
///
/// It only splits; what a field means is the caller's: training reads typed columns (`CSVReader`), serving reads
/// feature rows, a Map's `ItemReader` reads objects of strings. Fields come back raw — an unquoted field as written
/// (spaces included), a quoted one unescaped — and are valid until the next call.
///
/// ```swift
/// try bytes.withUnsafeBufferPointer { buffer in
///   var scanner = CSVScanner(bytes: buffer)
///   while scanner.startRecord() {
///     var last = false
///     while !last { let field: UnsafeBufferPointer<UInt8>; (field, _, last) = try scanner.nextField() }
///   }
/// }
/// ```
public struct CSVScanner {
  /// Malformed quoting, with the 1-based line where the field starts.
  public struct SyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, without the line.
    public var message: String
    /// The line of the problem.
    public var line: Int
    public var description: String { "line \(line): \(message)" }
    @usableFromInline init(message: String, line: Int) {
      self.message = message
      self.line = line
    }
  }

  @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
  @usableFromInline let delimiter: UInt8
  @usableFromInline var position = 0
  @usableFromInline var currentLine = 1
  /// The current 1-based line: after ``startRecord()``, the line the record starts on.
  public var line: Int { currentLine }
  @usableFromInline let scratch = ScratchBuffer()

  @usableFromInline static let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
  @usableFromInline static let carriageReturn = UInt8(ascii: "\r"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

  /// Scans `bytes` (which must outlive the scanner), skipping a UTF-8 byte order mark.
  public init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = UInt8(ascii: ",")) {
    self.bytes = bytes
    self.delimiter = delimiter
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
  }

  /// Where the scanner is, to come back to with ``rewind(to:)``.
  public struct Mark: Sendable { fileprivate let position: Int, line: Int }
  /// The current position.
  public var mark: Mark { Mark(position: position, line: line) }
  /// Goes back to a position taken with ``mark``.
  public mutating func rewind(to mark: Mark) {
    position = mark.position
    currentLine = mark.line
  }

  /// Skips blank lines (empty, or only spaces and tabs); returns false at the end of the input.
  @inlinable public mutating func startRecord() -> Bool {
    while position < bytes.count {
      var i = position
      while i < bytes.count, bytes[i] == Self.space || bytes[i] == Self.tab || bytes[i] == Self.carriageReturn { i += 1 }
      guard i < bytes.count else { position = i; return false }
      guard bytes[i] == Self.newline else { return true }
      position = i + 1
      currentLine += 1
    }
    return false
  }

  /// The next field of the record: its bytes, whether it was quoted, and whether it was the record's last field
  /// (the line break after it is consumed then).
  /// - Throws: ``SyntaxError`` for a quoted field that is not closed or has text after its closing quote.
  @inlinable public mutating func nextField() throws(SyntaxError) -> (field: UnsafeBufferPointer<UInt8>, quoted: Bool, last: Bool) {
    var start = position
    while start < bytes.count, bytes[start] == Self.space { start += 1 }
    guard start < bytes.count, bytes[start] == Self.quote else { return unquotedField() }
    let openLine = line
    scratch.count = 0
    var i = start + 1
    while true {
      guard i < bytes.count else { throw SyntaxError(message: "unterminated quoted field", line: openLine) }
      let b = bytes[i]
      if b == Self.quote {
        if i + 1 < bytes.count, bytes[i + 1] == Self.quote { scratch.append(Self.quote); i += 2; continue }
        i += 1
        break
      }
      if b == Self.newline { currentLine += 1 }
      scratch.append(b)
      i += 1
    }
    while i < bytes.count, bytes[i] == Self.space { i += 1 }
    position = i
    if i < bytes.count, bytes[i] == delimiter {
      position = i + 1
      return (scratch.buffer, true, false)
    }
    guard i >= bytes.count || bytes[i] == Self.newline || bytes[i] == Self.carriageReturn else {
      throw SyntaxError(message: "unexpected text after a closing quote", line: line)
    }
    endRecord()
    return (scratch.buffer, true, true)
  }

  @inlinable mutating func unquotedField() -> (field: UnsafeBufferPointer<UInt8>, quoted: Bool, last: Bool) {
    let start = position
    var i = position
    while i < bytes.count {
      let b = bytes[i]
      if b == delimiter {
        position = i + 1
        return (UnsafeBufferPointer(rebasing: bytes[start..<i]), false, false)
      }
      if b == Self.newline || b == Self.carriageReturn { break }
      i += 1
    }
    position = i
    endRecord()
    return (UnsafeBufferPointer(rebasing: bytes[start..<i]), false, true)
  }

  /// Consumes the line break after a record.
  @inlinable mutating func endRecord() {
    if position < bytes.count, bytes[position] == Self.carriageReturn { position += 1 }
    if position < bytes.count, bytes[position] == Self.newline { position += 1; currentLine += 1 }
  }

  /// Every remaining record as strings, with the line it starts on.
  /// - Throws: ``SyntaxError`` for malformed quoting.
  public mutating func records() throws(SyntaxError) -> [(line: Int, fields: [String])] {
    var records: [(line: Int, fields: [String])] = []
    while startRecord() {
      let start = line
      var fields: [String] = []
      var last = false
      while !last {
        let field: UnsafeBufferPointer<UInt8>
        (field, _, last) = try nextField()
        fields.append(String(decoding: field, as: UTF8.self))
      }
      records.append((start, fields))
    }
    return records
  }

  /// Trims spaces and tabs from both ends of a field.
  @inlinable public static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0, end = field.count
    while start < end, field[start] == space || field[start] == tab { start += 1 }
    while end > start, field[end - 1] == space || field[end - 1] == tab { end -= 1 }
    return UnsafeBufferPointer(rebasing: field[start..<end])
  }
}

/// Growable byte storage for unescaped quoted fields; views into it are valid until the next append.
@usableFromInline final class ScratchBuffer {
  @usableFromInline var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
  @usableFromInline var capacity = 256
  @usableFromInline var count = 0

  @usableFromInline init() {}

  @inlinable func append(_ byte: UInt8) {
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

  @inlinable var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

  deinit { storage.deallocate() }
}
