import FlowCore
import Foundation

/// A compiled filter, the `…` of `[?(…)]`.
indirect enum FilterExpression: Sendable {
  case or(FilterExpression, FilterExpression)
  case and(FilterExpression, FilterExpression)
  case not(FilterExpression)
  /// An operand on its own: a path that exists (`@.isbn`), or a literal `true`.
  case exists(FilterOperand)
  case compare(FilterOperand, FilterOperator, FilterOperand)

  func holds(for current: JSONValue, root: JSONValue) -> Bool {
    switch self {
    case .or(let a, let b): a.holds(for: current, root: root) || b.holds(for: current, root: root)
    case .and(let a, let b): a.holds(for: current, root: root) && b.holds(for: current, root: root)
    case .not(let a): !a.holds(for: current, root: root)
    case .exists(let operand):
      switch operand {
      case .literal(let value): value == .bool(true)
      default: operand.value(current: current, root: root) != nil
      }
    case .compare(let left, let op, let right):
      if op == .matches, let regex = right.regex {
        FilterOperator.matches(left.value(current: current, root: root), regex)
      } else {
        op.holds(left.value(current: current, root: root), right.value(current: current, root: root))
      }
    }
  }
}

/// One side of a comparison in a filter.
enum FilterOperand: Sendable {
  /// `@…`: relative to the element being tested.
  case current([PathSegment])
  /// `$…`: relative to the document the path started from.
  case root([PathSegment])
  case literal(JSONValue)
  case regex(Regex)

  /// A compiled `/pattern/flags` literal.
  struct Regex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    let expression: NSRegularExpression
  }

  /// The operand's value, or `nil` when its path selects nothing. A path that is not a reference path
  /// gives the array of its matches, as Jayway does.
  func value(current: JSONValue, root: JSONValue) -> JSONValue? {
    switch self {
    case .literal(let value): return value
    case .regex: return nil
    case .current(let segments): return FilterOperand.select(segments, from: current, root: root)
    case .root(let segments): return FilterOperand.select(segments, from: root, root: root)
    }
  }

  private static func select(_ segments: [PathSegment], from start: JSONValue, root: JSONValue) -> JSONValue? {
    if segments.contains(where: \.isFunction) { return nil }
    if segments.allSatisfy(\.isSingular) {
      var node = start
      for segment in segments {
        guard let next = segment.singleStep(node) else { return nil }
        node = next
      }
      return node
    }
    var matches = [start]
    for segment in segments {
      var next: [JSONValue] = []
      for node in matches { segment.apply(to: node, root: root, into: &next) }
      matches = next
    }
    return .array(matches)
  }

  var regex: NSRegularExpression? {
    if case .regex(let regex) = self { regex.expression } else { nil }
  }
}

/// The relational operators of Jayway filters.
enum FilterOperator: String, Sendable {
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
  case matches = "=~", isIn = "in", notIn = "nin", subsetOf = "subsetof", anyOf = "anyof", noneOf = "noneof"
  case size = "size", empty = "empty", contains = "contains"

  static let words: [FilterOperator] = [.notIn, .isIn, .subsetOf, .anyOf, .noneOf, .size, .empty, .contains]

  func holds(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
    // A missing operand is "undefined": it equals nothing, so only `!=` holds.
    guard let left, let right else { return self == .notEqual }
    switch self {
    case .equal: return FilterOperator.equal(left, right)
    case .notEqual: return !FilterOperator.equal(left, right)
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      guard let order = FilterOperator.order(left, right) else { return false }
      switch self {
      case .less: return order < 0
      case .lessOrEqual: return order <= 0
      case .greater: return order > 0
      default: return order >= 0
      }
    case .matches: return false  // only meaningful with a regex literal, which `FilterExpression` handles
    case .isIn: return right.arrayValue?.contains { FilterOperator.equal(left, $0) } ?? false
    case .notIn: return !(right.arrayValue?.contains { FilterOperator.equal(left, $0) } ?? false)
    case .subsetOf:
      guard let l = left.arrayValue, let r = right.arrayValue else { return false }
      return l.allSatisfy { item in r.contains { FilterOperator.equal(item, $0) } }
    case .anyOf:
      guard let l = left.arrayValue, let r = right.arrayValue else { return false }
      return l.contains { item in r.contains { FilterOperator.equal(item, $0) } }
    case .noneOf:
      guard let l = left.arrayValue, let r = right.arrayValue else { return false }
      return !l.contains { item in r.contains { FilterOperator.equal(item, $0) } }
    case .size:
      guard let n = right.intValue else { return false }
      switch left {
      case .array(let items): return items.count == n
      case .string(let s): return s.count == n
      default: return false
      }
    case .empty:
      guard let wanted = right.boolValue else { return false }
      switch left {
      case .array(let items): return items.isEmpty == wanted
      case .string(let s): return s.isEmpty == wanted
      default: return false
      }
    case .contains:
      switch (left, right) {
      case (.array(let items), _): return items.contains { FilterOperator.equal($0, right) }
      case (.string(let s), .string(let part)): return s.contains(part)
      default: return false
      }
    }
  }

  static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.int, .int), (.int, .double), (.double, .int), (.double, .double): a.doubleValue == b.doubleValue
    default: a == b
    }
  }

  /// Numbers compare numerically and strings lexicographically; anything else has no order.
  static func order(_ a: JSONValue, _ b: JSONValue) -> Int? {
    if let x = a.doubleValue, let y = b.doubleValue { return x < y ? -1 : (x > y ? 1 : 0) }
    if case .string(let x) = a, case .string(let y) = b { return x < y ? -1 : (x > y ? 1 : 0) }
    return nil
  }

  static func matches(_ value: JSONValue?, _ regex: NSRegularExpression) -> Bool {
    guard case .string(let s)? = value else { return false }
    let range = NSRange(s.startIndex..<s.endIndex, in: s)
    // Jayway uses Matcher.matches(): the whole string must match.
    guard let match = regex.firstMatch(in: s, options: [.anchored], range: range) else { return false }
    return match.range == range
  }
}
