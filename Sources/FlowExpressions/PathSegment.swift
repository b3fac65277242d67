import FlowCore

/// One compiled step of a ``JSONPath``.
indirect enum PathSegment: Sendable {
  /// `.name` or `['name']`.
  case child(String)
  /// `[2]`; a negative index counts from the end.
  case index(Int)
  /// `.*` or `[*]`: every member value of an object, every element of an array.
  case wildcard
  /// `[start:end:step]`, each part optional, with Python's meaning.
  case slice(start: Int?, end: Int?, step: Int?)
  /// `['a','b']`.
  case names([String])
  /// `[0,2]`.
  case indexes([Int])
  /// `[?(…)]`: the elements of an array (or an object itself) for which the expression holds.
  case filter(FilterExpression)
  /// `..` followed by a segment: that segment applied to the node and to every node below it.
  case scan(PathSegment)
  /// `.length()` and other Jayway functions, which Step Functions does not evaluate: they select nothing.
  case function(String)

  /// True for the segments a reference path may contain: they select at most one node.
  var isSingular: Bool {
    switch self {
    case .child, .index: true
    default: false
    }
  }

  var isFunction: Bool {
    if case .function = self { true } else { false }
  }

  /// The node a singular segment selects, or `nil` when it does not exist.
  func singleStep(_ node: JSONValue) -> JSONValue? {
    switch self {
    case .child(let name):
      guard case .object(let members) = node else { return nil }
      return members[name]
    case .index(let index):
      guard case .array(let items) = node else { return nil }
      let resolved = index < 0 ? items.count + index : index
      // Not a ternary: its `nil` would become JSONValue.null through ExpressibleByNilLiteral.
      guard items.indices.contains(resolved) else { return nil }
      return items[resolved]
    default:
      return nil
    }
  }

  /// Appends every node this segment selects from `node` to `out`, in document order.
  /// `root` is the document the path started from, for `$` inside filters.
  func apply(to node: JSONValue, root: JSONValue, into out: inout [JSONValue]) {
    switch self {
    case .child, .index:
      if let found = singleStep(node) { out.append(found) }
    case .wildcard:
      switch node {
      case .object(let members): out.append(contentsOf: members.values)
      case .array(let items): out.append(contentsOf: items)
      default: break
      }
    case .slice(let start, let end, let step):
      guard case .array(let items) = node else { return }
      for i in PathSegment.sliceIndices(count: items.count, start: start, end: end, step: step) { out.append(items[i]) }
    case .names(let names):
      guard case .object(let members) = node else { return }
      for name in names { if let found = members[name] { out.append(found) } }
    case .indexes(let indexes):
      for index in indexes { if let found = PathSegment.index(index).singleStep(node) { out.append(found) } }
    case .filter(let expression):
      switch node {
      case .array(let items):
        for item in items where expression.holds(for: item, root: root) { out.append(item) }
      case .object:
        // Jayway applies a filter on an object to the object itself.
        if expression.holds(for: node, root: root) { out.append(node) }
      default: break
      }
    case .scan(let inner):
      PathSegment.scan(node, inner: inner, root: root, into: &out)
    case .function:
      break
    }
  }

  /// Jayway's deep scan: the node itself first, then its descendants depth first, in document order.
  private static func scan(_ node: JSONValue, inner: PathSegment, root: JSONValue, into out: inout [JSONValue]) {
    let children: [JSONValue]
    switch node {
    case .object(let members): children = Array(members.values)
    case .array(let items): children = items
    default: return
    }
    switch inner {
    case .wildcard:
      for child in children {
        out.append(child)
        scan(child, inner: inner, root: root, into: &out)
      }
    case .filter(let expression):
      // Each container in the tree is tested as itself, so an object is never reported twice.
      if expression.holds(for: node, root: root) { out.append(node) }
      for child in children { scan(child, inner: inner, root: root, into: &out) }
    default:
      inner.apply(to: node, root: root, into: &out)
      for child in children { scan(child, inner: inner, root: root, into: &out) }
    }
  }

  /// The indexes `[start:end:step]` selects in an array of `count` elements (Python slice semantics).
  static func sliceIndices(count: Int, start: Int?, end: Int?, step: Int?) -> [Int] {
    let step = step ?? 1
    guard step != 0, count > 0 else { return [] }
    func clamp(_ value: Int, low: Int, high: Int) -> Int { Swift.min(Swift.max(value, low), high) }
    if step > 0 {
      let from = clamp(start.map { $0 < 0 ? $0 + count : $0 } ?? 0, low: 0, high: count)
      let to = clamp(end.map { $0 < 0 ? $0 + count : $0 } ?? count, low: 0, high: count)
      return from < to ? Array(stride(from: from, to: to, by: step)) : []
    }
    let from = clamp(start.map { $0 < 0 ? $0 + count : $0 } ?? count - 1, low: -1, high: count - 1)
    let to = clamp(end.map { $0 < 0 ? $0 + count : $0 } ?? -1, low: -1, high: count - 1)
    return from > to ? Array(stride(from: from, to: to, by: step)) : []
  }

  /// The segment in Jayway's normalized form, for error messages.
  var normalized: String {
    switch self {
    case .child(let name): "['\(name)']"
    case .index(let index): "[\(index)]"
    case .wildcard: "[*]"
    case .slice(let start, let end, let step):
      "[\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")\(step.map { ":\($0)" } ?? "")]"
    case .names(let names): "[" + names.map { "'\($0)'" }.joined(separator: ",") + "]"
    case .indexes(let indexes): "[" + indexes.map(String.init).joined(separator: ",") + "]"
    case .filter: "[?]"
    case .scan(let inner): ".." + inner.normalized
    case .function(let call): "." + call
    }
  }
}
