import FlowCore

/// A compiled payload template: `Parameters`, `ResultSelector`, `ItemSelector` or `Assign`.
/// Keys ending in `.$` take the value of a path or intrinsic call; other values are copied as they are.
public struct PayloadTemplate: Hashable, Sendable {
  public let template: JSONValue
  private let root: Node

  /// - Throws: ``ExpressionSyntaxError`` with the ``ExpressionSyntaxError/keyPath`` of the bad member.
  public init(_ template: JSONValue) throws(ExpressionSyntaxError) {
    var keyPath: [String] = []
    var problems: [ExpressionSyntaxError] = []
    self.template = template
    self.root = Node.compile(template, keyPath: &keyPath, problems: &problems)
    if let first = problems.first { throw first }
  }

  /// Every problem in `template`, each with the ``ExpressionSyntaxError/keyPath`` of its member: malformed
  /// paths and calls (what ``init(_:)`` throws the first of), and intrinsic calls with a wrong number of
  /// arguments (which ``init(_:)`` accepts: they fail at run time). Empty for a sound template.
  public static func problems(in template: JSONValue) -> [ExpressionSyntaxError] {
    var keyPath: [String] = []
    var problems: [ExpressionSyntaxError] = []
    _ = Node.compile(template, keyPath: &keyPath, problems: &problems, checkArity: true)
    return problems
  }

  public static func == (lhs: PayloadTemplate, rhs: PayloadTemplate) -> Bool { lhs.template == rhs.template }
  public func hash(into hasher: inout Hasher) { hasher.combine(template) }

  /// True when the template has no `.$` member anywhere, so evaluating it always gives ``template``.
  public var isConstant: Bool {
    if case .constant = root { true } else { false }
  }

  /// Builds the payload from the scope's input, context object and variables.
  /// - Throws: ``ExpressionError``: `States.Runtime` when a path matches nothing
  ///   (`The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{…}'`)
  ///   or an intrinsic function gets arguments it does not accept.
  public func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> JSONValue {
    try root.evaluate(in: scope)
  }

  /// The compiled form: dynamic members and the containers holding them; everything else is a constant.
  private indirect enum Node: Sendable {
    case constant(JSONValue)
    case object([(key: String, node: Node)])
    case array([Node])
    case path(JSONPath, field: String)
    case intrinsic(IntrinsicFunction, field: String)

    /// Compiles `value`, appending each bad member's problem to `problems` (the member becomes a constant).
    static func compile(_ value: JSONValue, keyPath: inout [String], problems: inout [ExpressionSyntaxError],
                        checkArity: Bool = false) -> Node {
      switch value {
      case .object(let members):
        var nodes: [(key: String, node: Node)] = []
        nodes.reserveCapacity(members.count)
        var dynamic = false
        for (key, member) in members {
          keyPath.append(key)
          defer { keyPath.removeLast() }
          let node: Node
          if key.hasSuffix(".$") {
            do {
              node = try compileDynamic(member, field: key, keyPath: keyPath)
              if checkArity, case .intrinsic(let function, _) = node {
                problems += function.arityProblems.map {
                  ExpressionSyntaxError("The value for the field '\(key)' is invalid: \($0)", keyPath: keyPath)
                }
              }
            } catch {
              problems.append(error)
              node = .constant(member)
            }
            nodes.append((String(key.dropLast(2)), node))
          } else {
            node = compile(member, keyPath: &keyPath, problems: &problems, checkArity: checkArity)
            nodes.append((key, node))
          }
          if case .constant = node {} else { dynamic = true }
        }
        return dynamic ? .object(nodes) : .constant(value)
      case .array(let items):
        var nodes: [Node] = []
        nodes.reserveCapacity(items.count)
        var dynamic = false
        for (i, item) in items.enumerated() {
          keyPath.append(String(i))
          defer { keyPath.removeLast() }
          let node = compile(item, keyPath: &keyPath, problems: &problems, checkArity: checkArity)
          if case .constant = node {} else { dynamic = true }
          nodes.append(node)
        }
        return dynamic ? .array(nodes) : .constant(value)
      default:
        return .constant(value)
      }
    }

    private static func compileDynamic(_ value: JSONValue, field: String, keyPath: [String]) throws(ExpressionSyntaxError)
      -> Node
    {
      guard case .string(let text) = value else {
        throw ExpressionSyntaxError(
          "The value for the field '\(field)' must be a string holding a JSONPath or an intrinsic function call, not \(value.typeName) \(value.serialized())",
          keyPath: keyPath)
      }
      do {
        if text.hasPrefix("$") { return .path(try JSONPath(text), field: field) }
        if text.hasPrefix("States.") { return .intrinsic(try IntrinsicFunction(text), field: field) }
      } catch {
        throw ExpressionSyntaxError("The value for the field '\(field)' is invalid: \(error.message)", keyPath: keyPath)
      }
      throw ExpressionSyntaxError(
        "The value for the field '\(field)' must be a valid JSONPath or a valid intrinsic function call, not '\(text)'",
        keyPath: keyPath)
    }

    func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> JSONValue {
      switch self {
      case .constant(let value):
        return value
      case .object(let nodes):
        var members = JSONObject(minimumCapacity: nodes.count)
        for (key, node) in nodes { members[key] = try node.evaluate(in: scope) }
        return .object(members)
      case .array(let nodes):
        var items: [JSONValue] = []
        items.reserveCapacity(nodes.count)
        for node in nodes { items.append(try node.evaluate(in: scope)) }
        return .array(items)
      case .path(let path, let field):
        guard let value = path.evaluate(in: scope) else {
          throw IntrinsicFailure.pathNotFound(path).expressionError(field: field, input: scope.input)
        }
        return value
      case .intrinsic(let function, let field):
        do {
          return try function.evaluateReportingPaths(in: scope)
        } catch {
          throw error.expressionError(field: field, input: scope.input)
        }
      }
    }
  }
}
