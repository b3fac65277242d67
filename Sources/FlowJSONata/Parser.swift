import Foundation

/// Parses JSONata text into a syntax tree (Pratt's top-down operator precedence, as jsonata-js does),
/// then runs the post-parse stage (`Parser+AST.swift`).
struct Parser {
  /// Nesting deeper than this is refused with an error instead of risking the stack.
  static let maxDepth = 500

  static let bindingPowers: [String: Int] = [
    ".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
    "=": 40, "<": 40, ">": 40, "^": 40, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "?:": 40, "??": 40,
    "and": 30, "or": 25, "in": 40, "&": 50, ":=": 10,
  ]
  static let knownSymbols: Set<String> = [
    ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">",
    "^", "**", "..", ":=", "!=", "<=", ">=", "~>", "?:", "??", "and", "or", "in", "&",
  ]

  var lexer: Tokenizer
  var token: Token
  let length: Int
  var depth = 0
  // post-parse state
  var ancestorLabel = 0
  var ancestorIndex = 0
  var ancestry: [Node] = []
  var astDepth = 0
  let stack = StackGuard()

  /// Parses and post-processes `source`.
  static func parse(_ source: String) throws(JSONataError) -> Node {
    var parser = Parser(source)
    try parser.advance()
    let expr = try parser.expression(0)
    if parser.token.kind != .end {
      throw JSONataError(.s0201, "Syntax error: \(parser.token.text)", position: parser.token.position, token: parser.token.text)
    }
    let ast = try parser.processAST(expr)
    if ast.kind == .parent || ast.seekingParent != nil {
      throw JSONataError(.s0217, "The object representing the 'parent' cannot be derived from this expression",
                         position: ast.position, token: "parent")
    }
    return ast
  }

  private init(_ source: String) {
    lexer = Tokenizer(source)
    length = lexer.chars.count
    token = Token(kind: .end, text: "(end)", position: 0)
  }

  private func isOp(_ text: String) -> Bool { token.kind == .operator && token.text == text }

  private var lbp: Int {
    token.kind == .operator ? (Parser.bindingPowers[token.text] ?? 0) : 0
  }

  mutating func advance(_ id: String? = nil, infix: Bool = false) throws(JSONataError) {
    if let id, !isOp(id) {
      if token.kind == .end {
        throw JSONataError(.s0203, "Expected \(id) before end of expression", position: token.position, token: token.text)
      }
      throw JSONataError(.s0202, "Expected \(id), got \(token.text)", position: token.position, token: token.text)
    }
    guard let next = try lexer.next(infix: infix) else {
      token = Token(kind: .end, text: "(end)", position: length)
      return
    }
    if next.kind == .operator, !Parser.knownSymbols.contains(next.text) {
      throw JSONataError(.s0204, "Unknown operator: \(next.text)", position: next.position, token: next.text)
    }
    token = next
  }

  mutating func expression(_ rbp: Int) throws(JSONataError) -> Node {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth || !stack.hasRoom() {
      throw JSONataError(.u1001, "The expression is nested too deeply (more than \(Parser.maxDepth) levels)",
                         position: token.position)
    }
    var t = token
    try advance(nil, infix: true)
    var left = try nud(t)
    while rbp < lbp {
      t = token
      try advance()
      left = try led(t, left)
    }
    return left
  }

  // MARK: prefix positions

  private mutating func nud(_ t: Token) throws(JSONataError) -> Node {
    switch t.kind {
    case .end:
      return Node(.end, "(end)", position: t.position)
    case .name: return Node(.name, t.text, position: t.position)
    case .variable: return Node(.variable, t.text, position: t.position)
    case .string:
      let n = Node(.string, t.text, position: t.position); n.literal = .string(t.text); return n
    case .number:
      guard t.number.isFinite else {
        throw JSONataError(.s0102, "Number out of range: \(t.text)", position: t.position, token: t.text)
      }
      let n = Node(.number, t.text, position: t.position); n.literal = .number(t.number); return n
    case .value:
      let n = Node(.value, t.text, position: t.position); n.literal = t.literal; return n
    case .regex:
      let n = Node(.regex, t.text, position: t.position)
      n.regex = try Regex.compile(t.text, flags: t.flags, position: t.position)
      return n
    case .operator:
      break
    }
    let pos = t.position
    switch t.text {
    case "-":
      let n = Node(.unary, "-", position: pos)
      n.expression = try expression(70)
      return n
    case "*": return Node(.wildcard, "*", position: pos)
    case "**": return Node(.descendant, "**", position: pos)
    case "%": return Node(.parent, "%", position: pos)
    case "and", "or", "in": return Node(.name, t.text, position: pos)
    case "(":
      let n = Node(.block, "(", position: pos)
      while !isOp(")") {
        n.expressions.append(try expression(0))
        if !isOp(";") { break }
        try advance(";")
      }
      try advance(")", infix: true)
      return n
    case "[":
      let n = Node(.unary, "[", position: pos)
      if !isOp("]") {
        while true {
          var item = try expression(0)
          if isOp("..") {
            let range = Node(.binary, "..", position: token.position)
            range.lhs = item
            try advance("..")
            range.rhs = try expression(0)
            item = range
          }
          n.expressions.append(item)
          if !isOp(",") { break }
          try advance(",")
        }
      }
      try advance("]", infix: true)
      return n
    case "{":
      let n = Node(.unary, "{", position: pos)
      n.pairs = try objectPairs()
      return n
    case "|":
      let n = Node(.transform, "|", position: pos)
      n.pattern = try expression(0)
      try advance("|")
      n.update = try expression(0)
      if isOp(",") {
        try advance(",")
        n.delete = try expression(0)
      }
      try advance("|")
      return n
    default:
      throw JSONataError(.s0211, "The symbol \(t.text) cannot be used as a unary operator", position: pos, token: t.text)
    }
  }

  private mutating func objectPairs() throws(JSONataError) -> [(Node, Node)] {
    var pairs: [(Node, Node)] = []
    if !isOp("}") {
      while true {
        let key = try expression(0)
        try advance(":")
        let value = try expression(0)
        pairs.append((key, value))
        if !isOp(",") { break }
        try advance(",")
      }
    }
    try advance("}", infix: true)
    return pairs
  }

  // MARK: infix positions

  private mutating func led(_ t: Token, _ left: Node) throws(JSONataError) -> Node {
    let pos = t.position
    let op = t.text
    switch op {
    case ".", "+", "-", "*", "/", "%", "=", "<", ">", "!=", "<=", ">=", "&", "and", "or", "in", "~>":
      let n = Node(.binary, op, position: pos)
      n.lhs = left
      n.rhs = try expression(Parser.bindingPowers[op]!)
      return n
    case "(":
      let n = Node(.function, "(", position: pos)
      n.procedure = left
      if !isOp(")") {
        while true {
          if isOp("?") {
            n.kind = .partial
            n.arguments.append(Node(.placeholder, "?", position: token.position))
            try advance("?")
          } else {
            n.arguments.append(try expression(0))
          }
          if !isOp(",") { break }
          try advance(",")
        }
      }
      try advance(")", infix: true)
      if left.kind == .name, left.value == "function" || left.value == "\u{03BB}" {
        for (i, arg) in n.arguments.enumerated() where arg.kind != .variable {
          throw JSONataError(.s0208, "Parameter \(i + 1) of function definition must be a variable name (start with $)",
                             position: arg.position, token: arg.value)
        }
        n.kind = .lambda
        if isOp("<") {
          let sigPos = token.position
          var depth = 1
          var sig = "<"
          while depth > 0, !isOp("{"), token.kind != .end {
            try advance()
            if isOp(">") { depth -= 1 } else if isOp("<") { depth += 1 }
            sig += token.text
          }
          try advance(">")
          n.signature = try Signature(sig, position: sigPos)
        }
        try advance("{")
        n.body = try expression(0)
        try advance("}")
      }
      return n
    case "[":
      if isOp("]") {
        var step = left
        while step.kind == .binary, step.value == "[", let l = step.lhs { step = l }
        step.keepArray = true
        try advance("]")
        return left
      }
      let n = Node(.binary, "[", position: pos)
      n.lhs = left
      n.rhs = try expression(0)
      try advance("]", infix: true)
      return n
    case "^":
      try advance("(")
      let n = Node(.binary, "^", position: pos)
      while true {
        var descending = false
        if isOp("<") { try advance("<") } else if isOp(">") { descending = true; try advance(">") }
        n.terms.append(Node.SortTerm(descending: descending, expression: try expression(0)))
        if !isOp(",") { break }
        try advance(",")
      }
      try advance(")")
      n.lhs = left
      return n
    case "{":
      let n = Node(.binary, "{", position: pos)
      n.lhs = left
      n.pairs = try objectPairs()
      return n
    case ":=":
      guard left.kind == .variable else {
        throw JSONataError(.s0212, "The left side of := must be a variable name (start with $)", position: left.position, token: left.value)
      }
      let n = Node(.binary, ":=", position: pos)
      n.lhs = left
      n.rhs = try expression(Parser.bindingPowers[":="]! - 1)
      return n
    case "@", "#":
      let n = Node(.binary, op, position: pos)
      n.lhs = left
      let rhs = try expression(80)
      guard rhs.kind == .variable else {
        throw JSONataError(.s0214, "The right side of \(op) must be a variable name (start with $)", position: rhs.position, token: op)
      }
      n.rhs = rhs
      return n
    case "?":
      let n = Node(.condition, "?", position: pos)
      n.condition = left
      n.then = try expression(0)
      if isOp(":") {
        try advance(":")
        n.otherwise = try expression(0)
      }
      return n
    case "?:", "??":
      let n = Node(op == "?:" ? .elvis : .coalesce, op, position: pos)
      n.condition = left
      n.otherwise = try expression(0)
      return n
    default:
      throw JSONataError(.s0201, "Syntax error: \(op)", position: pos, token: op)
    }
  }
}
