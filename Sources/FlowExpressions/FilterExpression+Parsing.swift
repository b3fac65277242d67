import FlowCore
import Foundation

/// Recursive descent over the filter grammar:
/// `or := and ('||' and)*`, `and := unary ('&&' unary)*`, `unary := '!' unary | '(' or ')' | comparison`,
/// `comparison := operand (operator operand)?`.
extension PathParser {
  mutating func parseFilterExpression() throws(ExpressionSyntaxError) -> FilterExpression {
    var expression = try parseAnd()
    while true {
      skipSpaces()
      guard peek == "|", peek(1) == "|" else { return expression }
      pos += 2
      expression = .or(expression, try parseAnd())
    }
  }

  private mutating func parseAnd() throws(ExpressionSyntaxError) -> FilterExpression {
    var expression = try parseUnary()
    while true {
      skipSpaces()
      guard peek == "&", peek(1) == "&" else { return expression }
      pos += 2
      expression = .and(expression, try parseUnary())
    }
  }

  private mutating func parseUnary() throws(ExpressionSyntaxError) -> FilterExpression {
    try enterNesting()
    defer { depth -= 1 }
    skipSpaces()
    if peek == "!", peek(1) != "=" {
      pos += 1
      return .not(try parseUnary())
    }
    if peek == "(" {
      pos += 1
      let inner = try parseFilterExpression()
      skipSpaces()
      try expect(")")
      return inner
    }
    return try parseComparison()
  }

  private mutating func parseComparison() throws(ExpressionSyntaxError) -> FilterExpression {
    let left = try parseOperand()
    skipSpaces()
    guard let op = readOperator() else { return .exists(left) }
    skipSpaces()
    let right = try parseOperand()
    if op == .matches, right.regex == nil { throw error("'=~' needs a /regular expression/ on its right") }
    return .compare(left, op, right)
  }

  private mutating func readOperator() -> FilterOperator? {
    for symbol in ["==", "!=", "<=", ">=", "=~", "<", ">"] {
      let symbolChars = Array(symbol)
      if pos + symbolChars.count <= chars.count, Array(chars[pos..<pos + symbolChars.count]) == symbolChars {
        pos += symbolChars.count
        return FilterOperator(rawValue: symbol)
      }
    }
    for word in FilterOperator.words {
      let wordChars = Array(word.rawValue)
      let end = pos + wordChars.count
      guard end <= chars.count, Array(chars[pos..<end]) == wordChars else { continue }
      if end < chars.count, PathParser.isVariableCharacter(chars[end]) { continue }
      pos = end
      return word
    }
    return nil
  }

  private mutating func parseOperand() throws(ExpressionSyntaxError) -> FilterOperand {
    skipSpaces()
    guard let c = peek else { throw error("a filter operand is missing at the end") }
    switch c {
    case "@":
      pos += 1
      return .current(try parseSegments(inFilter: true))
    case "$":
      pos += 1
      return .root(try parseSegments(inFilter: true))
    case "/":
      return .regex(try readRegex())
    default:
      return .literal(try parseLiteral())
    }
  }

  /// A JSON-like literal: a quoted string, a number, `true`, `false`, `null` or an array of literals.
  private mutating func parseLiteral() throws(ExpressionSyntaxError) -> JSONValue {
    skipSpaces()
    guard let c = peek else { throw error("a value is missing at the end") }
    if c == "'" || c == "\"" { return .string(try readQuoted()) }
    if c == "[" {
      try enterNesting()
      defer { depth -= 1 }
      pos += 1
      var items: [JSONValue] = []
      skipSpaces()
      if peek == "]" {
        pos += 1
        return .array(items)
      }
      while true {
        items.append(try parseLiteral())
        skipSpaces()
        if peek == "," {
          pos += 1
          continue
        }
        try expect("]")
        return .array(items)
      }
    }
    if c == "-" || (c.isASCII && c.isNumber) { return try readNumber() }
    for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)] {
      let wordChars = Array(word)
      if pos + wordChars.count <= chars.count, Array(chars[pos..<pos + wordChars.count]) == wordChars {
        pos += wordChars.count
        return value
      }
    }
    throw error("unexpected '\(c)' in a filter at position \(pos + 1)")
  }

  private mutating func readNumber() throws(ExpressionSyntaxError) -> JSONValue {
    let start = pos
    if peek == "-" { pos += 1 }
    while let c = peek, c.isASCII, c.isNumber || c == "." || c == "e" || c == "E" || c == "+" || c == "-" { pos += 1 }
    let literal = String(chars[start..<pos])
    if let int = Int(literal) { return .int(int) }
    if let double = Double(literal), double.isFinite { return .double(double) }
    throw error("'\(literal)' is not a number")
  }

  private mutating func readRegex() throws(ExpressionSyntaxError) -> FilterOperand.Regex {
    try expect("/")
    var pattern = ""
    while let c = peek, c != "/" {
      pos += 1
      if c == "\\", let next = peek {
        pos += 1
        // `\/` stands for a slash; other escapes belong to the pattern.
        if next != "/" { pattern.append("\\") }
        pattern.append(next)
      } else {
        pattern.append(c)
      }
    }
    try expect("/")
    var options: NSRegularExpression.Options = []
    while let c = peek, c.isASCII, c.isLetter {
      pos += 1
      switch c {
      case "i": options.insert(.caseInsensitive)
      case "m": options.insert(.anchorsMatchLines)
      case "s": options.insert(.dotMatchesLineSeparators)
      case "x": options.insert(.allowCommentsAndWhitespace)
      default: throw error("unknown regular expression flag '\(c)'")
      }
    }
    do {
      return FilterOperand.Regex(expression: try NSRegularExpression(pattern: pattern, options: options))
    } catch {
      throw self.error("invalid regular expression /\(pattern)/")
    }
  }
}
