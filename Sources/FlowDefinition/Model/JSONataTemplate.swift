import FlowCore
import FlowJSONata

/// The query language of a state machine or a state (`QueryLanguage`).
public enum QueryLanguage: String, Hashable, Sendable {
  case jsonPath = "JSONPath"
  case jsonata = "JSONata"
}

/// The value of a JSONata-mode field: any JSON value in which a string written as a whole `{% … %}` is a JSONata
/// expression, evaluated at run time; every other value is literal.
///
/// ```swift
/// let output = try JSONataTemplate(["total": "{% $sum($states.input.prices) %}", "currency": "EUR"])
/// ```
public struct JSONataTemplate: Sendable, Hashable {
  /// One node of the template.
  public indirect enum Node: Sendable {
    case literal(JSONValue)
    /// An expression with its text (between `{%` and `%}`, trimmed), as AWS quotes it in errors.
    case expression(JSONataExpression, source: String)
    case object([(key: String, value: Node)])
    case array([Node])
  }

  /// The compiled value.
  public var root: Node
  /// The value as written.
  public var value: JSONValue

  /// Compiles every `{% … %}` string of `value`.
  /// - Throws: ``JSONataTemplate/Problem`` for the first expression that is not valid JSONata.
  public init(_ value: JSONValue) throws(Problem) {
    root = try Self.compile(value, keyPath: [])
    self.value = value
  }

  public static func == (a: JSONataTemplate, b: JSONataTemplate) -> Bool { a.value == b.value }
  public func hash(into hasher: inout Hasher) { hasher.combine(value) }

  /// A `{% … %}` string that is not valid JSONata: where it is and what is wrong.
  public struct Problem: Error, Sendable {
    /// Keys and array indexes from the field's value down to the string.
    public var keyPath: [String]
    /// The offset of the error inside the string (in characters), when known.
    public var offset: Int?
    public var error: JSONataError
  }

  /// The text between `{%` and `%}` when `text` is a whole-string expression, and the offset where it starts.
  public static func expressionText(_ text: String) -> (source: String, offset: Int)? {
    guard text.hasPrefix("{%"), text.hasSuffix("%}"), text.count >= 4 else { return nil }
    let inner = text.dropFirst(2).dropLast(2)
    let leading = inner.prefix { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }.count
    let trimmed = inner.dropFirst(leading)
    var source = String(trimmed)
    while let last = source.last, last == " " || last == "\n" || last == "\t" || last == "\r" { source.removeLast() }
    return (source, 2 + leading)
  }

  private static func compile(_ value: JSONValue, keyPath: [String]) throws(Problem) -> Node {
    switch value {
    case .string(let text):
      guard let (source, offset) = expressionText(text) else { return .literal(value) }
      do {
        return .expression(try JSONataExpression(source), source: source)
      } catch {
        throw Problem(keyPath: keyPath, offset: offset + (error.position ?? 0), error: error)
      }
    case .object(let members):
      var compiled: [(key: String, value: Node)] = []
      var allLiteral = true
      for (key, member) in members {
        let node = try compile(member, keyPath: keyPath + [key])
        if case .literal = node {} else { allLiteral = false }
        compiled.append((key, node))
      }
      return allLiteral ? .literal(value) : .object(compiled)
    case .array(let items):
      var compiled: [Node] = []
      var allLiteral = true
      for (index, item) in items.enumerated() {
        let node = try compile(item, keyPath: keyPath + [String(index)])
        if case .literal = node {} else { allLiteral = false }
        compiled.append(node)
      }
      return allLiteral ? .literal(value) : .array(compiled)
    default:
      return .literal(value)
    }
  }

  /// True when the template is a literal value (no expression anywhere).
  public var literalValue: JSONValue? {
    if case .literal(let value) = root { value } else { nil }
  }
}

/// The JSONata-mode fields every state can have: `Arguments` (Task, Parallel), `Output` and `Assign`.
/// Present on a state exactly when the state uses JSONata (``State/jsonata``); also on Choice rules and catchers.
public struct JSONataFields: Sendable, Hashable {
  /// `Arguments`: the Task's parameters or the branches' input.
  public var arguments: JSONataTemplate?
  /// `Output`: the state's output (default: its result, else its input).
  public var output: JSONataTemplate?
  /// `Assign`: variables set after the state, each member evaluated on its own.
  public var assign: JSONataTemplate?
  public init(arguments: JSONataTemplate? = nil, output: JSONataTemplate? = nil, assign: JSONataTemplate? = nil) {
    self.arguments = arguments
    self.output = output
    self.assign = assign
  }
}
