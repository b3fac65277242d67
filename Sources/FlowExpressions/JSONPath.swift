import FlowCore

/// A compiled JSONPath expression rooted at `$` (input), `$$` (context object) or `$name` (a variable).
///
/// The dialect is the one Step Functions inherits from Jayway JsonPath: dot and bracket children,
/// indexes (negative ones count from the end), wildcards, deep scan (`..`), slices, unions and
/// filters such as `[?(@.price < 10 && @.isbn)]`. The text is compiled once; ``evaluate(in:)`` walks
/// the compiled segments without parsing again.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
  /// Where the path starts.
  public enum Root: Hashable, Sendable { case input, context, variable(String) }

  /// The text the path was compiled from.
  public let text: String
  public var description: String { text }
  /// Where the path starts.
  public let root: Root
  /// True when the path selects at most one node: only child names and indexes (no wildcard, filter, slice, union, `..`).
  public let isReferencePath: Bool
  let segments: [PathSegment]
  /// True when the path calls a function such as `length()`: Step Functions never finds a value for it.
  let callsFunction: Bool

  /// Compiles `text`. - Throws: ``ExpressionSyntaxError`` naming what is wrong.
  public init(_ text: String) throws(ExpressionSyntaxError) {
    var parser = PathParser(text)
    let (root, segments) = try parser.parsePath()
    self.text = text
    self.root = root
    self.segments = segments
    self.isReferencePath = segments.allSatisfy(\.isSingular)
    self.callsFunction = segments.contains(where: \.isFunction)
  }

  public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool { lhs.text == rhs.text }
  public func hash(into hasher: inout Hasher) { hasher.combine(text) }

  /// The selected value: for a reference path the single node, or `nil` when it does not exist;
  /// for any other path an array of every match (possibly empty).
  public func evaluate(in scope: EvaluationScope) -> JSONValue? {
    guard let document = document(in: scope) else { return nil }
    return evaluate(on: document)
  }

  /// Applies the path's segments to `document`, ignoring the root: what ``evaluate(in:)`` does once the
  /// root has been chosen. Useful to query a value that is not part of a scope.
  public func evaluate(on document: JSONValue) -> JSONValue? {
    if callsFunction { return nil }
    if isReferencePath {
      var node = document
      for segment in segments {
        guard let next = segment.singleStep(node) else { return nil }
        node = next
      }
      return node
    }
    var matches = [document]
    for segment in segments {
      var next: [JSONValue] = []
      for node in matches { segment.apply(to: node, root: document, into: &next) }
      matches = next
    }
    return .array(matches)
  }

  /// The document the root names: the input, the context object or a variable's value (`nil` when undefined).
  func document(in scope: EvaluationScope) -> JSONValue? {
    switch root {
    case .input: scope.input
    case .context: scope.context
    case .variable(let name): scope.variables[name]
    }
  }

  /// The path in Jayway's normalized bracket form, as Step Functions prints it in errors: `$['a']['b'][0]`.
  public var normalizedText: String {
    var out = JSONPath.rootText(root)
    for segment in segments { out += segment.normalized }
    return out
  }

  /// The cause Step Functions gives when a reference path such as `InputPath` selects nothing:
  /// `Invalid path '$.a.b' : No results for path: $['a']['b']`, or `… : Missing property in path $['a']`
  /// when a step before the last one is already missing.
  public func invalidPathCause(in scope: EvaluationScope) -> String {
    "Invalid path '\(text)' : " + missingDescription(in: scope)
  }

  private func missingDescription(in scope: EvaluationScope) -> String {
    let rootText = JSONPath.rootText(root)
    guard var node = document(in: scope), isReferencePath else {
      return "No results for path: " + normalizedText
    }
    var prefix = rootText
    for (i, segment) in segments.enumerated() {
      prefix += segment.normalized
      guard let next = segment.singleStep(node) else {
        return i == segments.count - 1 ? "No results for path: " + prefix : "Missing property in path " + prefix
      }
      node = next
    }
    return "No results for path: " + normalizedText
  }

  private static func rootText(_ root: Root) -> String {
    switch root {
    case .input: "$"
    case .context: "$$"
    case .variable(let name): "$" + name
    }
  }
}
