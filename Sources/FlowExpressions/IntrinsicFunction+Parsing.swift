import FlowCore

/// Compiles the text of an intrinsic call.
struct IntrinsicParser {
  let text: String
  let chars: [Character]
  var pos = 0
  /// How many calls enclose the one being parsed.
  private var depth = 0

  /// The deepest nesting of calls inside calls accepted: parsing (and evaluating) recurses once per level,
  /// so a hostile `States.Array(States.Array(…` of any depth must not overflow the stack.
  static let maximumNesting = 100

  init(_ text: String) {
    self.text = text
    self.chars = Array(text)
  }

  private var peek: Character? { pos < chars.count ? chars[pos] : nil }

  private func error(_ message: String) -> ExpressionSyntaxError {
    ExpressionSyntaxError("Invalid intrinsic function '\(ExpressionSyntaxError.excerpt(text))': \(message)")
  }

  private func location() -> String { pos < chars.count ? "at position \(pos + 1)" : "at the end" }

  private mutating func skipSpaces() {
    while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { pos += 1 }
  }

  mutating func parse() throws(ExpressionSyntaxError) -> IntrinsicCall {
    let call = try parseCall()
    if pos < chars.count { throw error("unexpected '\(chars[pos])' after the call \(location())") }
    return call
  }

  private mutating func parseCall() throws(ExpressionSyntaxError) -> IntrinsicCall {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumNesting else {
      throw error("calls are nested more than \(Self.maximumNesting) levels deep \(location())")
    }
    let name = readWord()
    guard let function = IntrinsicName(rawValue: name) else {
      if name.hasPrefix("States.") { throw error("'\(name)' is not an intrinsic function") }
      throw error("expected a call such as States.Format(…) \(location())")
    }
    guard peek == "(" else { throw error("expected '(' after \(name)") }
    pos += 1
    skipSpaces()
    var arguments: [IntrinsicArgument] = []
    if peek == ")" {
      pos += 1
      return IntrinsicCall(function: function, arguments: arguments)
    }
    while true {
      arguments.append(try parseArgument())
      skipSpaces()
      switch peek {
      case ",":
        pos += 1
        skipSpaces()
      case ")":
        pos += 1
        return IntrinsicCall(function: function, arguments: arguments)
      case let c?:
        throw error("expected ',' or ')' but found '\(c)' \(location())")
      case nil:
        throw error("the argument list is not closed")
      }
    }
  }

  /// Letters, digits, `_` and `.`: a function name or `true`/`false`/`null`.
  private mutating func readWord() -> String {
    let start = pos
    while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "." || c == "_" { pos += 1 }
    return String(chars[start..<pos])
  }

  private mutating func parseArgument() throws(ExpressionSyntaxError) -> IntrinsicArgument {
    guard let c = peek else { throw error("an argument is missing at the end") }
    switch c {
    case "'":
      let (value, template) = try readString()
      return .string(value, template)
    case "$":
      return .path(try readPath())
    case "-", "0"..."9":
      return .value(try readNumber())
    case ",", ")":
      throw error("an argument is missing \(location())")
    default:
      let start = pos
      let word = readWord()
      switch word {
      case "true": return .value(.bool(true))
      case "false": return .value(.bool(false))
      case "null": return .value(.null)
      default:
        pos = start
        if word.hasPrefix("States.") { return .call(try parseCall()) }
        throw error("unexpected '\(word.isEmpty ? String(c) : word)' \(location())")
      }
    }
  }

  /// A single-quoted literal. `\'`, `\{`, `\}` and `\\` are the only escapes; an escaped brace is
  /// literal text even for `States.Format`, where a bare `{}` is a placeholder.
  private mutating func readString() throws(ExpressionSyntaxError) -> (String, FormatTemplate) {
    pos += 1
    var value = ""
    var parts: [FormatTemplate.Part] = []
    var literal = ""
    var valid = true
    while let c = peek {
      pos += 1
      switch c {
      case "'":
        if !literal.isEmpty { parts.append(.text(literal)) }
        return (value, valid ? .parts(parts) : .invalid)
      case "\\":
        guard let escaped = peek, "'{}\\".contains(escaped) else {
          throw error("'\\\(peek.map(String.init) ?? "")' is not a valid escape in a string literal; only \\', \\{, \\} and \\\\ are")
        }
        pos += 1
        value.append(escaped)
        literal.append(escaped)
      case "{":
        value.append(c)
        if peek == "}" {
          pos += 1
          value.append("}")
          if !literal.isEmpty { parts.append(.text(literal)) }
          literal = ""
          parts.append(.placeholder)
        } else {
          valid = false
        }
      case "}":
        value.append(c)
        valid = false
      default:
        value.append(c)
        literal.append(c)
      }
    }
    throw error("a string literal is not closed")
  }

  /// A path runs to the next `,` or `)` outside brackets and quotes.
  private mutating func readPath() throws(ExpressionSyntaxError) -> JSONPath {
    let start = pos
    var depth = 0
    var quote: Character?
    while let c = peek {
      if let q = quote {
        if c == "\\" {
          pos += 1
        } else if c == q {
          quote = nil
        }
      } else if c == "'" || c == "\"" {
        if depth > 0 { quote = c }
      } else if c == "[" {
        depth += 1
      } else if c == "]" {
        depth -= 1
      } else if depth == 0 && (c == "," || c == ")" || c.isWhitespace) {
        break
      }
      pos += 1
    }
    let pathText = String(chars[start..<min(pos, chars.count)])
    do {
      return try JSONPath(pathText)
    } catch {
      throw self.error(error.message)
    }
  }

  /// A number in JSON's grammar: no leading `+`, no bare `.5` or `1.`.
  private mutating func readNumber() throws(ExpressionSyntaxError) -> JSONValue {
    let start = pos
    func digits(_ parser: inout IntrinsicParser) -> Int {
      let from = parser.pos
      while let c = parser.peek, c.isASCII, c.isNumber { parser.pos += 1 }
      return parser.pos - from
    }
    if peek == "-" { pos += 1 }
    let intStart = pos
    guard digits(&self) > 0 else { throw error("expected digits \(location())") }
    if chars[intStart] == "0" && pos - intStart > 1 { throw error("a number cannot start with 0 \(location())") }
    var isInteger = true
    if peek == "." {
      pos += 1
      isInteger = false
      guard digits(&self) > 0 else { throw error("expected digits after '.' \(location())") }
    }
    if peek == "e" || peek == "E" {
      pos += 1
      isInteger = false
      if peek == "+" || peek == "-" { pos += 1 }
      guard digits(&self) > 0 else { throw error("expected digits in the exponent \(location())") }
    }
    let literal = String(chars[start..<pos])
    if isInteger, let int = Int(literal) { return .int(int) }
    guard let double = Double(literal) else { throw error("'\(literal)' is not a number") }
    guard double.isFinite else { throw error("the number '\(literal)' is out of range") }
    return .double(double)
  }
}
