// STUBS: the helper replaces these with real implementations in their own files, keeping the signatures.
import FlowCore

/// A compiled JSONPath expression rooted at `$` (input), `$$` (context object) or `$name` (a variable).
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
  public enum Root: Hashable, Sendable { case input, context, variable(String) }
  /// The text the path was compiled from.
  public let text: String
  public var description: String { text }
  /// Compiles `text`. - Throws: ``ExpressionSyntaxError`` naming what is wrong.
  public init(_ text: String) throws(ExpressionSyntaxError) { self.text = text }
  public var root: Root { .input }
  /// True when the path selects at most one node: only child names and indexes (no wildcard, filter, slice, union, `..`).
  public var isReferencePath: Bool { true }
  /// The selected value: for a reference path the single node, or `nil` when it does not exist;
  /// for any other path an array of every match (possibly empty).
  public func evaluate(in scope: EvaluationScope) -> JSONValue? { nil }
}

/// A reference path used as a destination (`ResultPath`): writes a value into a document.
public struct ReferencePath: Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public var description: String { text }
  /// - Throws: ``ExpressionSyntaxError`` when `text` is not a reference path rooted at `$`.
  public init(_ text: String) throws(ExpressionSyntaxError) { self.text = text }
  /// `document` with `value` placed at this path, creating missing objects on the way.
  /// - Throws: ``ExpressionError`` (`States.ResultPathMatchFailure`) when the path runs through a non-object.
  public func setting(_ value: JSONValue, in document: JSONValue) throws(ExpressionError) -> JSONValue { value }
}

/// A compiled intrinsic function call such as `States.Format('{} items', $.count)`.
public struct IntrinsicFunction: Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public var description: String { text }
  public init(_ text: String) throws(ExpressionSyntaxError) { self.text = text }
  /// True when `text` looks like an intrinsic call (starts with `States.` and a name followed by `(`).
  public static func isCall(_ text: String) -> Bool { text.hasPrefix("States.") }
  /// - Throws: ``ExpressionError`` (`States.IntrinsicFailure`, or `States.Runtime` for a missing path argument).
  public func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> JSONValue { .null }
}

/// A compiled payload template: `Parameters`, `ResultSelector`, `ItemSelector` or `Assign`.
/// Keys ending in `.$` take the value of a path or intrinsic call; other values are copied as they are.
public struct PayloadTemplate: Hashable, Sendable {
  public let template: JSONValue
  /// - Throws: ``ExpressionSyntaxError`` with the ``ExpressionSyntaxError/keyPath`` of the bad member.
  public init(_ template: JSONValue) throws(ExpressionSyntaxError) { self.template = template }
  /// Builds the payload. `field` names the template in error causes (`"Parameters"`, …).
  /// - Throws: ``ExpressionError``: `States.Runtime` when a path matches nothing, `States.IntrinsicFailure` …
  public func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> JSONValue { template }
}
