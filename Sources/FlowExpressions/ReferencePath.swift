import FlowCore

/// A reference path used as a destination (`ResultPath`): writes a value into a document.
public struct ReferencePath: Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public var description: String { text }
  /// The compiled path, for reading the node this path writes.
  public let path: JSONPath

  /// - Throws: ``ExpressionSyntaxError`` when `text` is not a reference path rooted at `$`.
  public init(_ text: String) throws(ExpressionSyntaxError) {
    let path = try JSONPath(text)
    guard path.root == .input else {
      throw ExpressionSyntaxError("Invalid ReferencePath '\(text)': it must start with '$', not '$$' or a variable")
    }
    guard path.isReferencePath else {
      throw ExpressionSyntaxError(
        "Invalid ReferencePath '\(text)': only child names and indexes are allowed (no wildcards, filters, slices, unions or '..')")
    }
    self.text = text
    self.path = path
  }

  /// `document` with `value` placed at this path, creating missing objects on the way.
  /// - Throws: ``ExpressionError`` (`States.ResultPathMatchFailure`) when the path runs through a non-object.
  public func setting(_ value: JSONValue, in document: JSONValue) throws(ExpressionError) -> JSONValue {
    guard !path.segments.isEmpty else { return value }
    do {
      return try ReferencePath.set(value, at: path.segments[...], in: document)
    } catch let step {
      throw ExpressionError(
        "States.ResultPathMatchFailure", "Unable to apply step \"\(step.name)\" to input \(document.serialized())")
    }
  }

  private struct StepFailure: Error { let name: String }

  private static func set(_ value: JSONValue, at steps: ArraySlice<PathSegment>, in node: JSONValue) throws(StepFailure)
    -> JSONValue
  {
    guard let step = steps.first else { return value }
    let rest = steps.dropFirst()
    switch step {
    case .child(let name):
      guard case .object(var members) = node else { throw StepFailure(name: name) }
      let child = members[name]
      // Clear the slot first so that the child is uniquely referenced while it is rebuilt.
      if child != nil { members[name] = .null }
      members[name] = try set(value, at: rest, in: child ?? .emptyObject)
      return .object(members)
    case .index(let index):
      guard case .array(var items) = node else { throw StepFailure(name: String(index)) }
      let resolved = index < 0 ? items.count + index : index
      guard items.indices.contains(resolved) else { throw StepFailure(name: String(index)) }
      let child = items[resolved]
      items[resolved] = .null
      items[resolved] = try set(value, at: rest, in: child)
      return .array(items)
    default:
      throw StepFailure(name: step.normalized)
    }
  }
}
