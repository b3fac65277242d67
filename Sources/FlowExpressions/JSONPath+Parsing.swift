import FlowCore

/// Compiles JSONPath text into a root and segments. Filter expressions are parsed by the same
/// parser (see `JSONPath+Filter.swift`), since `@.a.b` inside a filter is itself a path.
struct PathParser {
  let text: String
  let chars: [Character]
  var pos = 0
  /// How many parentheses, negations, filters and literal arrays enclose the current position.
  var depth = 0

  /// The deepest nesting accepted in a filter: the parser recurses once per level, so a hostile `((((…` or
  /// `[[[[…` of any depth must be an error, not a stack overflow.
  static let maximumNesting = 100

  init(_ text: String) {
    self.text = text
    self.chars = Array(text)
  }

  var peek: Character? { pos < chars.count ? chars[pos] : nil }
  func peek(_ offset: Int) -> Character? { pos + offset < chars.count ? chars[pos + offset] : nil }
  var atEnd: Bool { pos >= chars.count }

  func error(_ message: String) -> ExpressionSyntaxError {
    ExpressionSyntaxError("Invalid JSONPath '\(ExpressionSyntaxError.excerpt(text))': \(message)")
  }

  mutating func expect(_ c: Character) throws(ExpressionSyntaxError) {
    guard peek == c else {
      throw error(atEnd ? "expected '\(c)' at the end" : "expected '\(c)' at position \(pos + 1)")
    }
    pos += 1
  }

  /// Enters one level of nesting; pair it with `defer { depth -= 1 }`.
  mutating func enterNesting() throws(ExpressionSyntaxError) {
    depth += 1
    guard depth <= Self.maximumNesting else {
      throw error("the filter is nested more than \(Self.maximumNesting) levels deep at position \(pos + 1)")
    }
  }

  mutating func skipSpaces() {
    while let c = peek, c.isWhitespace { pos += 1 }
  }

  static func isVariableCharacter(_ c: Character) -> Bool {
    c == "_" || (c.isASCII && (c.isLetter || c.isNumber))
  }

  mutating func parsePath() throws(ExpressionSyntaxError) -> (JSONPath.Root, [PathSegment]) {
    guard peek == "$" else { throw error("a path must start with '$'") }
    pos += 1
    let root: JSONPath.Root
    if peek == "$" {
      pos += 1
      root = .context
    } else if let c = peek, PathParser.isVariableCharacter(c) {
      let start = pos
      while let c = peek, PathParser.isVariableCharacter(c) { pos += 1 }
      root = .variable(String(chars[start..<pos]))
    } else {
      root = .input
    }
    let segments = try parseSegments(inFilter: false)
    if !atEnd { throw error("unexpected '\(chars[pos])' at position \(pos + 1)") }
    return (root, segments)
  }

  /// Reads segments up to the end of the text or, inside a filter, up to the first character that
  /// cannot continue a path (an operator, a parenthesis, a space).
  mutating func parseSegments(inFilter: Bool) throws(ExpressionSyntaxError) -> [PathSegment] {
    var segments: [PathSegment] = []
    while let c = peek {
      if c == "." {
        if peek(1) == "." {
          pos += 2
          if peek == "[" {
            segments.append(.scan(try parseBracket()))
          } else if peek == "*" {
            pos += 1
            segments.append(.scan(.wildcard))
          } else {
            segments.append(.scan(.child(try readName(inFilter: inFilter))))
          }
        } else {
          pos += 1
          if peek == "*" {
            pos += 1
            segments.append(.wildcard)
          } else if peek == "[" {
            // Jayway reads `$.[0]` and `$.[?(…)]` as `$[0]` and `$[?(…)]`; Step Functions users write both.
            segments.append(try parseBracket())
          } else {
            let name = try readName(inFilter: inFilter)
            segments.append(peek == "(" ? .function(try readFunctionCall(name)) : .child(name))
          }
        }
      } else if c == "[" {
        segments.append(try parseBracket())
      } else if inFilter {
        break
      } else {
        throw error("unexpected '\(c)' at position \(pos + 1)")
      }
    }
    return segments
  }

  /// A name after a dot: everything up to the next `.`, `[`, space or parenthesis (and, in a filter,
  /// the next operator character).
  mutating func readName(inFilter: Bool) throws(ExpressionSyntaxError) -> String {
    let start = pos
    while let c = peek {
      if c == "." || c == "[" || c == "]" || c == "(" || c == ")" || c == "'" || c == "\"" || c.isWhitespace { break }
      if inFilter && "=!<>&|,".contains(c) { break }
      pos += 1
    }
    guard pos > start else {
      throw error(atEnd ? "a name is missing at the end" : "a name is missing at position \(pos + 1)")
    }
    return String(chars[start..<pos])
  }

  /// `name(…)`: Jayway's path functions such as `length()`. Step Functions accepts them in a definition
  /// but finds nothing when it evaluates one, so they are kept only to fail the same way.
  mutating func readFunctionCall(_ name: String) throws(ExpressionSyntaxError) -> String {
    let start = pos
    var depth = 0
    while let c = peek {
      pos += 1
      if c == "(" { depth += 1 }
      if c == ")" {
        depth -= 1
        if depth == 0 { return name + String(chars[start..<pos]) }
      }
    }
    throw error("the call \(name)( is not closed")
  }

  /// `[…]`: a wildcard, quoted names, indexes, a slice or a filter.
  mutating func parseBracket() throws(ExpressionSyntaxError) -> PathSegment {
    try expect("[")
    skipSpaces()
    let segment: PathSegment
    switch peek {
    case "?":
      pos += 1
      skipSpaces()
      try expect("(")
      let expression = try parseFilterExpression()
      skipSpaces()
      try expect(")")
      segment = .filter(expression)
    case "*":
      pos += 1
      segment = .wildcard
    case "'", "\"":
      var names = [try readQuoted()]
      skipSpaces()
      while peek == "," {
        pos += 1
        skipSpaces()
        guard peek == "'" || peek == "\"" else { throw error("expected a quoted name after ','") }
        names.append(try readQuoted())
        skipSpaces()
      }
      segment = names.count == 1 ? .child(names[0]) : .names(names)
    default:
      segment = try parseIndexesOrSlice()
    }
    skipSpaces()
    try expect("]")
    return segment
  }

  mutating func parseIndexesOrSlice() throws(ExpressionSyntaxError) -> PathSegment {
    let first = try readInteger()
    skipSpaces()
    if peek == ":" {
      pos += 1
      skipSpaces()
      let end = try readInteger()
      skipSpaces()
      var step: Int?
      if peek == ":" {
        pos += 1
        skipSpaces()
        step = try readInteger()
        if step == 0 { throw error("a slice step cannot be 0") }
      }
      return .slice(start: first, end: end, step: step)
    }
    guard let first else { throw error("expected an index, a slice, a quoted name, '*' or a filter in brackets") }
    var indexes = [first]
    while peek == "," {
      pos += 1
      skipSpaces()
      guard let next = try readInteger() else { throw error("expected an index after ','") }
      indexes.append(next)
      skipSpaces()
    }
    return indexes.count == 1 ? .index(first) : .indexes(indexes)
  }

  /// An optionally signed integer, or `nil` when none starts here.
  mutating func readInteger() throws(ExpressionSyntaxError) -> Int? {
    let start = pos
    if peek == "-" { pos += 1 }
    let digitsStart = pos
    while let c = peek, c.isASCII, c.isNumber { pos += 1 }
    if pos == digitsStart {
      if pos > start { throw error("expected digits after '-'") }
      return nil
    }
    guard let value = Int(String(chars[start..<pos])) else { throw error("the index \(String(chars[start..<pos])) is too large") }
    return value
  }

  /// A string in single or double quotes, with backslash escapes.
  mutating func readQuoted() throws(ExpressionSyntaxError) -> String {
    guard let quote = peek else { throw error("expected a quoted string") }
    pos += 1
    var out = ""
    while let c = peek {
      pos += 1
      if c == quote { return out }
      if c == "\\" {
        guard let escaped = peek else { break }
        pos += 1
        switch escaped {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "b": out.append("\u{08}")
        case "f": out.append("\u{0C}")
        case "u":
          guard pos + 4 <= chars.count, let code = UInt32(String(chars[pos..<pos + 4]), radix: 16),
            let scalar = Unicode.Scalar(code)
          else { throw error("invalid \\u escape") }
          pos += 4
          out.unicodeScalars.append(scalar)
        default: out.append(escaped)
        }
      } else {
        out.append(c)
      }
    }
    throw error("a quoted string is not closed")
  }
}
