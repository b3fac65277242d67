import Foundation

/// One lexical token of a JSONata expression.
struct Token {
  enum Kind { case `operator`, name, variable, string, number, value, regex, end }
  var kind: Kind
  var text: String          // operator symbol, name, variable name, string contents, regex pattern
  var number: Double = 0
  var literal: JV? = nil    // true/false/null for `value`
  var flags: String = ""    // regex flags
  var position: Int
}

/// Splits expression text into tokens, one at a time (the parser decides whether `/` starts a regex).
struct Tokenizer {
  static let operators: [String: Int] = [
    ".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80, ";": 80, ":": 80,
    "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 20, "=": 40, "<": 40, ">": 40, "^": 40,
    "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "?:": 40, "??": 40,
    "and": 30, "or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
  ]
  static let singleCharOperators: Set<Unicode.Scalar> = Set(".[]{}(),@#;:?+-*/%|=<>^&!~".unicodeScalars)

  let chars: [Unicode.Scalar]
  var position = 0

  init(_ source: String) { chars = Array(source.unicodeScalars) }

  private func at(_ i: Int) -> Unicode.Scalar? { i < chars.count && i >= 0 ? chars[i] : nil }
  private static func isSpace(_ c: Unicode.Scalar?) -> Bool {
    guard let c else { return false }
    return c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}"
  }

  mutating func next(infix: Bool) throws(JSONataError) -> Token? {
    while true {
      while position < chars.count, Tokenizer.isSpace(chars[position]) { position += 1 }
      if at(position) == "/", at(position + 1) == "*" {
        let start = position
        position += 2
        while !(at(position) == "*" && at(position + 1) == "/") {
          position += 1
          if position >= chars.count {
            throw JSONataError(.s0106, "Comment has no closing tag", position: start)
          }
        }
        position += 2
        continue
      }
      break
    }
    guard position < chars.count else { return nil }
    let c = chars[position]
    let start = position
    func op(_ s: String, _ n: Int) -> Token {
      position += n
      return Token(kind: .operator, text: s, position: position)
    }
    if !infix && c == "/" {
      position += 1
      return try scanRegex()
    }
    let c1 = at(position + 1)
    switch (c, c1) {
    case (".", "."): return op("..", 2)
    case (":", "="): return op(":=", 2)
    case ("!", "="): return op("!=", 2)
    case (">", "="): return op(">=", 2)
    case ("<", "="): return op("<=", 2)
    case ("*", "*"): return op("**", 2)
    case ("~", ">"): return op("~>", 2)
    case ("?", ":"): return op("?:", 2)
    case ("?", "?"): return op("??", 2)
    default: break
    }
    if Tokenizer.singleCharOperators.contains(c) { return op(String(c), 1) }
    if c == "\"" || c == "'" {
      position += 1
      var s = String.UnicodeScalarView()
      while position < chars.count {
        var ch = chars[position]
        if ch == "\\" {
          position += 1
          guard let e = at(position) else { break }
          ch = e
          switch e {
          case "\"", "\\", "/": s.append(e)
          case "b": s.append("\u{08}")
          case "f": s.append("\u{0C}")
          case "n": s.append("\n")
          case "r": s.append("\r")
          case "t": s.append("\t")
          case "u":
            let hex = String(String.UnicodeScalarView(chars[min(position + 1, chars.count)..<min(position + 5, chars.count)]))
            guard hex.count == 4, let code = UInt32(hex, radix: 16) else {
              throw JSONataError(.s0104, "The escape sequence \\u must be followed by 4 hex digits", position: position)
            }
            position += 4
            if (0xD800..<0xDC00).contains(code), at(position + 1) == "\\", at(position + 2) == "u",
               let low = UInt32(String(String.UnicodeScalarView(chars[min(position + 3, chars.count)..<min(position + 7, chars.count)])), radix: 16),
               (0xDC00..<0xE000).contains(low) {
              position += 6
              s.append(Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))!)
            } else {
              s.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            }
          default:
            throw JSONataError(.s0103, "Unsupported escape sequence: \\\(e)", position: position, token: String(e))
          }
        } else if ch == c {
          position += 1
          return Token(kind: .string, text: String(s), position: position)
        } else {
          s.append(ch)
        }
        position += 1
      }
      throw JSONataError(.s0101, "String literal must be terminated by a matching quote", position: position)
    }
    if let n = scanNumber() { return n }
    if c == "`" {
      position += 1
      var i = position
      while i < chars.count, chars[i] != "`" { i += 1 }
      if i < chars.count {
        let name = String(String.UnicodeScalarView(chars[position..<i]))
        position = i + 1
        return Token(kind: .name, text: name, position: position)
      }
      position = chars.count
      throw JSONataError(.s0105, "Quoted property name must be terminated with a backquote (`)", position: position)
    }
    var i = position
    while i < chars.count, !Tokenizer.isSpace(chars[i]), !Tokenizer.singleCharOperators.contains(chars[i]) { i += 1 }
    if c == "$" {
      let name = String(String.UnicodeScalarView(chars[(position + 1)..<i]))
      position = i
      return Token(kind: .variable, text: name, position: position)
    }
    let name = String(String.UnicodeScalarView(chars[position..<i]))
    position = i
    switch name {
    case "or", "in", "and": return Token(kind: .operator, text: name, position: position)
    case "true": return Token(kind: .value, text: name, literal: .bool(true), position: position)
    case "false": return Token(kind: .value, text: name, literal: .bool(false), position: position)
    case "null": return Token(kind: .value, text: name, literal: .null, position: position)
    default:
      if name.isEmpty { _ = start; return nil }
      return Token(kind: .name, text: name, position: position)
    }
  }

  private mutating func scanNumber() -> Token? {
    var i = position
    func digit(_ c: Unicode.Scalar?) -> Bool { c.map { $0 >= "0" && $0 <= "9" } ?? false }
    guard digit(at(i)) else { return nil }
    if at(i) == "0" { i += 1 } else { while digit(at(i)) { i += 1 } }
    if at(i) == ".", digit(at(i + 1)) { i += 1; while digit(at(i)) { i += 1 } }
    if at(i) == "e" || at(i) == "E" {
      var j = i + 1
      if at(j) == "+" || at(j) == "-" { j += 1 }
      if digit(at(j)) { i = j; while digit(at(i)) { i += 1 } }
    }
    let text = String(String.UnicodeScalarView(chars[position..<i]))
    let value = Double(text) ?? .nan
    position = i
    return Token(kind: .number, text: text, number: value, position: position)
  }

  private mutating func scanRegex() throws(JSONataError) -> Token {
    var start = position
    var depth = 0
    func isClosingSlash(_ p: Int) -> Bool {
      guard chars[p] == "/", depth == 0 else { return false }
      var backslashes = 0
      while at(p - (backslashes + 1)) == "\\" { backslashes += 1 }
      return backslashes % 2 == 0
    }
    while position < chars.count {
      let c = chars[position]
      if isClosingSlash(position) {
        let pattern = String(String.UnicodeScalarView(chars[start..<position]))
        if pattern.isEmpty { throw JSONataError(.s0301, "Empty regular expressions are not allowed", position: position) }
        position += 1
        start = position
        while at(position) == "i" || at(position) == "m" { position += 1 }
        let flags = String(String.UnicodeScalarView(chars[start..<position]))
        return Token(kind: .regex, text: pattern, flags: flags, position: position)
      }
      if (c == "(" || c == "[" || c == "{") && at(position - 1) != "\\" { depth += 1 }
      if (c == ")" || c == "]" || c == "}") && at(position - 1) != "\\" { depth -= 1 }
      position += 1
    }
    throw JSONataError(.s0302, "No terminating / in regular expression", position: position)
  }
}
