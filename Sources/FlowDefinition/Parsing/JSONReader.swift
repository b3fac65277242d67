import FlowCore

/// Reads JSON text into a ``LocatedNode`` tree, exactly as JSON (no YAML extensions), keeping every position.
///
/// A duplicate key is reported at its second occurrence and the first value is kept, so that every duplicate
/// of a file is found in one pass. A syntax error stops reading.
struct JSONReader {
  let path: String

  /// The tree of `text`, or `nil` with at least one error appended to `diagnostics`.
  func read(_ text: String, into diagnostics: inout [Diagnostic]) -> LocatedNode? {
    var scanner = Scanner(bytes: Array(text.utf8), path: path)
    do throws(Scanner.Failure) {
      scanner.skipWhitespace()
      guard scanner.index < scanner.bytes.count else {
        throw scanner.failure("the file is empty: expected a JSON object with 'StartAt' and 'States'")
      }
      let node = try scanner.value()
      scanner.skipWhitespace()
      if scanner.index < scanner.bytes.count { throw scanner.failure("unexpected text after the JSON value") }
      diagnostics += scanner.duplicates
      return scanner.duplicates.isEmpty ? node : nil
    } catch {
      diagnostics += scanner.duplicates
      diagnostics.append(.error(.syntaxError, error.message, at: error.location))
      return nil
    }
  }

  private struct Scanner {
    struct Failure: Error {
      var message: String
      var location: SourceLocation
    }

    let bytes: [UInt8]
    let path: String
    var index = 0
    var line = 1
    var column = 1
    var depth = 0
    var duplicates: [Diagnostic] = []

    init(bytes: [UInt8], path: String) {
      self.bytes = bytes
      self.path = path
    }

    var here: SourceLocation { SourceLocation(file: path, line: line, column: column) }

    func failure(_ message: String, at location: SourceLocation? = nil) -> Failure {
      Failure(message: message, location: location ?? here)
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Moves one byte on, counting lines and (Unicode scalar) columns.
    mutating func advance() {
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }

    mutating func skipWhitespace() {
      while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
      skipWhitespace()
      guard current == byte else { throw failure(message) }
      advance()
    }

    mutating func value() throws(Failure) -> LocatedNode {
      skipWhitespace()
      let start = here
      guard let byte = current else { throw failure("unexpected end of input: expected a value") }
      switch byte {
      case UInt8(ascii: "{"): return LocatedNode(.object(try object()), at: start)
      case UInt8(ascii: "["): return LocatedNode(.array(try array()), at: start)
      case UInt8(ascii: "\""): return LocatedNode(.string(try string()), at: start)
      case UInt8(ascii: "t"): try literal("true"); return LocatedNode(.bool(true), at: start)
      case UInt8(ascii: "f"): try literal("false"); return LocatedNode(.bool(false), at: start)
      case UInt8(ascii: "n"): try literal("null"); return LocatedNode(.null, at: start)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return LocatedNode(try number(), at: start)
      default: throw failure("unexpected character '\(Character(Unicode.Scalar(byte)))': expected a value")
      }
    }

    mutating func literal(_ word: String) throws(Failure) {
      for expected in word.utf8 {
        guard current == expected else { throw failure("invalid literal: expected '\(word)'") }
        advance()
      }
    }

    mutating func enter() throws(Failure) {
      depth += 1
      if depth > 512 { throw failure("nesting is deeper than 512 levels") }
    }

    mutating func object() throws(Failure) -> [LocatedNode.Member] {
      try enter()
      defer { depth -= 1 }
      advance()
      var members: [LocatedNode.Member] = []
      var firstSeen: [String: SourceLocation] = [:]
      skipWhitespace()
      if current == UInt8(ascii: "}") { advance(); return members }
      while true {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
        let keyLocation = here
        let key = try string()
        try expect(UInt8(ascii: ":"), "expected ':' after the key '\(key)'")
        let member = try value()
        if let first = firstSeen[key] {
          duplicates.append(.error(.duplicateKey, "duplicate key '\(key)' (first defined at line \(first.line), column \(first.column))",
                                   at: keyLocation))
        } else {
          firstSeen[key] = keyLocation
          members.append(.init(key: key, keyLocation: keyLocation, value: member))
        }
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","): advance()
        case UInt8(ascii: "}"): advance(); return members
        case nil: throw failure("unexpected end of input: expected ',' or '}'")
        default: throw failure("expected ',' or '}'")
        }
      }
    }

    mutating func array() throws(Failure) -> [LocatedNode] {
      try enter()
      defer { depth -= 1 }
      advance()
      var items: [LocatedNode] = []
      skipWhitespace()
      if current == UInt8(ascii: "]") { advance(); return items }
      while true {
        items.append(try value())
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","): advance()
        case UInt8(ascii: "]"): advance(); return items
        case nil: throw failure("unexpected end of input: expected ',' or ']'")
        default: throw failure("expected ',' or ']'")
        }
      }
    }

    mutating func string() throws(Failure) -> String {
      let start = here
      advance()
      var result: [UInt8] = []
      while let byte = current {
        switch byte {
        case UInt8(ascii: "\""):
          advance()
          return String(decoding: result, as: UTF8.self)
        case UInt8(ascii: "\\"):
          advance()
          guard let escaped = current else { break }
          switch escaped {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escaped)
          case UInt8(ascii: "b"): result.append(0x08)
          case UInt8(ascii: "f"): result.append(0x0C)
          case UInt8(ascii: "n"): result.append(0x0A)
          case UInt8(ascii: "r"): result.append(0x0D)
          case UInt8(ascii: "t"): result.append(0x09)
          case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code), current == UInt8(ascii: "\\"),
              index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
            {
              advance()
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid low surrogate in a \\u escape") }
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            result += Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8)
            continue
          default: throw failure("invalid escape sequence '\\\(Character(Unicode.Scalar(escaped)))'")
          }
          advance()
        case 0..<0x20:
          throw failure("control character in a string (escape it)")
        default:
          result.append(byte)
          advance()
        }
      }
      throw failure("unterminated string", at: start)
    }

    /// Reads `uXXXX` (the index is on the `u`) and leaves the index after the last digit.
    mutating func hex4() throws(Failure) -> UInt32 {
      advance()
      var code: UInt32 = 0
      for _ in 0..<4 {
        guard let c = current, let digit = UInt32(String(UnicodeScalar(c)), radix: 16) else {
          throw failure("invalid \\u escape: expected four hexadecimal digits")
        }
        code = code * 16 + digit
        advance()
      }
      return code
    }

    mutating func number() throws(Failure) -> LocatedNode.Value {
      let start = index
      let startLocation = here
      var isInteger = true
      if current == UInt8(ascii: "-") { advance() }
      func digits(_ s: inout Scanner) -> Int {
        var count = 0
        while let c = s.current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { s.advance(); count += 1 }
        return count
      }
      let intDigits = digits(&self)
      guard intDigits > 0 else { throw failure("invalid number", at: startLocation) }
      if intDigits > 1, bytes[index - intDigits] == UInt8(ascii: "0") { throw failure("leading zero in a number", at: startLocation) }
      if current == UInt8(ascii: ".") {
        isInteger = false
        advance()
        guard digits(&self) > 0 else { throw failure("invalid number: digits expected after '.'", at: startLocation) }
      }
      if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
        isInteger = false
        advance()
        if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
        guard digits(&self) > 0 else { throw failure("invalid number: digits expected in the exponent", at: startLocation) }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      if isInteger, let i = Int(text) { return .int(i) }
      guard let d = Double(text), d.isFinite else { throw failure("number out of range", at: startLocation) }
      return .double(d)
    }
  }
}
