/// Thrown when text is not valid JSON. Its position is 1-based (columns count Unicode scalars).
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var line: Int
  public var column: Int
  public var description: String { "\(line):\(column): \(message)" }
}

extension JSONValue {
  /// Parses JSON text.
  ///
  /// Object keys keep their order; a duplicate key is an error (Step Functions rejects them too).
  /// - Throws: ``JSONParseError`` with the line and column of the first problem.
  public init(parsing text: String) throws(JSONParseError) {
    var parser = JSONParser(Array(text.utf8), builder: JSONValueBuilder())
    self = try parser.parseDocument()
  }
}

/// What ``JSONParser`` builds its tree with: ``JSONValue`` for data, or (in FlowDefinition) nodes that keep their
/// position for located diagnostics. Positions are byte offsets into the text (see ``TextPositions``).
public protocol JSONTreeBuilder {
  associatedtype Node
  /// An object's members while it is read.
  associatedtype Members
  /// A string, number, boolean or null that starts at `offset`.
  func scalar(_ value: JSONValue, at offset: Int) -> Node
  func array(_ items: [Node], at offset: Int) -> Node
  func newMembers() -> Members
  /// Adds a member whose key starts at `keyOffset`. Returns a message to stop reading with (at the key), or nil.
  mutating func add(_ key: String, at keyOffset: Int, value: Node, to members: inout Members) -> String?
  func object(_ members: Members, at offset: Int) -> Node
}

/// Builds ``JSONValue``s: keys keep their order, a duplicate key stops reading.
struct JSONValueBuilder: JSONTreeBuilder {
  func scalar(_ value: JSONValue, at offset: Int) -> JSONValue { value }
  func array(_ items: [JSONValue], at offset: Int) -> JSONValue { .array(items) }
  func newMembers() -> JSONObject { JSONObject() }
  func add(_ key: String, at keyOffset: Int, value: JSONValue, to members: inout JSONObject) -> String? {
    members.updateValue(value, forKey: key) == nil ? nil : "duplicate key '\(key)'"
  }
  func object(_ members: JSONObject, at offset: Int) -> JSONValue { .object(members) }
}

/// Line and column of byte offsets into UTF-8 text, 1-based; columns count Unicode scalars.
public struct TextPositions: Sendable {
  private let bytes: [UInt8]
  private let lineStarts: [Int]

  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
    var starts = [0]
    for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(i + 1) }
    lineStarts = starts
  }

  /// The line and column of `offset` (clamped to the text).
  public func location(of offset: Int) -> (line: Int, column: Int) {
    let offset = min(max(offset, 0), bytes.count)
    var low = 0, high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    let column = bytes[lineStarts[low]..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    return (low + 1, column)
  }
}

/// The one JSON reader: strict RFC 8259, nesting bounded to 512 levels, numbers out of a double's range rejected.
public struct JSONParser<Builder: JSONTreeBuilder> {
  let bytes: [UInt8]
  var index = 0
  var depth = 0
  /// The builder, with whatever it gathered (FlowDefinition's gathers duplicate keys).
  public private(set) var builder: Builder

  public init(_ bytes: [UInt8], builder: Builder) {
    self.bytes = bytes
    self.builder = builder
  }

  /// Reads the text as one JSON value.
  /// - Throws: ``JSONParseError`` at the first problem.
  public mutating func parseDocument() throws(JSONParseError) -> Builder.Node {
    skipWhitespace()
    if index == bytes.count { throw error("empty input: expected a JSON value") }
    let value = try parseValue()
    skipWhitespace()
    if index < bytes.count { throw error("unexpected text after the JSON value") }
    return value
  }

  func error(_ message: String, at position: Int? = nil) -> JSONParseError {
    let (line, column) = TextPositions(bytes).location(of: position ?? index)
    return JSONParseError(message: message, line: line, column: column)
  }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  mutating func parseValue() throws(JSONParseError) -> Builder.Node {
    guard index < bytes.count else { throw error("unexpected end of input: expected a value") }
    let start = index
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return builder.scalar(.string(try parseString()), at: start)
    case UInt8(ascii: "t"): return builder.scalar(try parseLiteral("true", .bool(true)), at: start)
    case UInt8(ascii: "f"): return builder.scalar(try parseLiteral("false", .bool(false)), at: start)
    case UInt8(ascii: "n"): return builder.scalar(try parseLiteral("null", .null), at: start)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return builder.scalar(try parseNumber(), at: start)
    default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))': expected a value")
    }
  }

  mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
    let utf8 = Array(word.utf8)
    guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
      throw error("invalid literal: expected '\(word)'")
    }
    index += utf8.count
    return value
  }

  mutating func enter() throws(JSONParseError) {
    depth += 1
    if depth > 512 { throw error("nesting is deeper than 512 levels") }
  }

  mutating func parseObject() throws(JSONParseError) -> Builder.Node {
    try enter()
    defer { depth -= 1 }
    let start = index
    index += 1
    var members = builder.newMembers()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return builder.object(members, at: start)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
      let keyStart = index
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after the key '\(key)'") }
      index += 1
      skipWhitespace()
      let value = try parseValue()
      if let problem = builder.add(key, at: keyStart, value: value, to: &members) { throw error(problem, at: keyStart) }
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input: expected ',' or '}'") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "}") { index += 1; return builder.object(members, at: start) }
      throw error("expected ',' or '}'")
    }
  }

  mutating func parseArray() throws(JSONParseError) -> Builder.Node {
    try enter()
    defer { depth -= 1 }
    let start = index
    index += 1
    var items: [Builder.Node] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return builder.array(items, at: start)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input: expected ',' or ']'") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "]") { index += 1; return builder.array(items, at: start) }
      throw error("expected ',' or ']'")
    }
  }

  mutating func parseString() throws(JSONParseError) -> String {
    let start = index
    index += 1
    var simpleStart = index
    var result: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        result.append(contentsOf: bytes[simpleStart..<index])
        index += 1
        return String(decoding: result, as: UTF8.self)
      }
      if byte < 0x20 { throw error("control character in a string (escape it)") }
      if byte == UInt8(ascii: "\\") {
        result.append(contentsOf: bytes[simpleStart..<index])
        index += 1
        guard index < bytes.count else { break }
        switch bytes[index] {
        case UInt8(ascii: "\""): result.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): result.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): result.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): result.append(0x08)
        case UInt8(ascii: "f"): result.append(0x0C)
        case UInt8(ascii: "n"): result.append(0x0A)
        case UInt8(ascii: "r"): result.append(0x0D)
        case UInt8(ascii: "t"): result.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800..<0xDC00).contains(code), index + 2 < bytes.count,
            bytes[index + 1] == UInt8(ascii: "\\"), bytes[index + 2] == UInt8(ascii: "u")
          {
            index += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
          result.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw error("invalid escape sequence")
        }
        index += 1
        simpleStart = index
        continue
      }
      index += 1
    }
    throw error("unterminated string", at: start)
  }

  /// Reads the four hex digits after `\u`; leaves `index` on the last digit.
  mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 < bytes.count else { throw error("incomplete \\u escape") }
    var code: UInt32 = 0
    for i in 1...4 {
      let c = bytes[index + i]
      let digit: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw error("invalid \\u escape")
      }
      code = code * 16 + digit
    }
    index += 4
    return code
  }

  mutating func parseNumber() throws(JSONParseError) -> JSONValue {
    let start = index
    var isInteger = true
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    func digits(_ p: inout Self) -> Int {
      let s = p.index
      while p.index < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.index]) { p.index += 1 }
      return p.index - s
    }
    let intDigits = digits(&self)
    guard intDigits > 0 else { throw error("invalid number", at: start) }
    if intDigits > 1, bytes[index - intDigits] == UInt8(ascii: "0") { throw error("leading zero in a number", at: start) }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard digits(&self) > 0 else { throw error("invalid number: digits expected after '.'", at: start) }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard digits(&self) > 0 else { throw error("invalid number: digits expected in the exponent", at: start) }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isInteger, let i = Int(text) { return .int(i) }
    guard let d = Double(text) else { throw error("invalid number", at: start) }
    // JSON has no infinity: `1e999` must not become one (it would compare, add and predict as a number).
    guard d.isFinite else { throw error("number out of range: \(text) is beyond what a double can hold", at: start) }
    return .double(d)
  }
}
