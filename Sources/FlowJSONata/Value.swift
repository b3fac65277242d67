import FlowCore

/// An array inside the evaluator. A class, because jsonata's sequences carry flags and are built up in place.
final class JArray {
  // Read and written throughout evaluation; never while another access to it is under way (the debug build's
  // run-time checks pass the whole test suite), so release builds skip those checks (`@exclusivity(unchecked)`).
  @exclusivity(unchecked) var items: [JV]
  /// A sequence produced by path navigation (flattened, and a singleton collapses to its item).
  var isSequence = false
  /// A singleton sequence that must stay an array (`[]` in a path).
  var keepSingleton = false
  /// An array built by an array constructor: it is not flattened by the next path step.
  var cons = false
  /// The input array wrapped as a one-item sequence, so `$` sees the whole array.
  var outerWrapper = false
  /// A stream of tuples (objects holding `@` and bound variables).
  var tupleStream = false

  init(_ items: [JV] = [], sequence: Bool = false) {
    self.items = items
    self.isSequence = sequence
  }

  static func sequence(_ items: [JV] = []) -> JArray { JArray(items, sequence: true) }
  var count: Int { items.count }
}

/// An object inside the evaluator, keeping the order in which keys were first set.
///
/// An object converted from JSON starts out *lazy*: it keeps the JSON members and converts each one the first time
/// it is read (and keeps the conversion, so a member read twice is the same value). An expression that reads two
/// fields of a large document converts those two fields, not the document. Setting a member converts the rest first;
/// the evaluator only sets members of objects it built itself, never of its input.
final class JObject {
  // Without run-time exclusivity checks, as `JArray.items`: read on every member lookup.
  @exclusivity(unchecked) private var eagerKeys: [String] = []
  @exclusivity(unchecked) private var values: [String: JV] = [:]
  /// The members of a lazy object as JSON (`nil` once every member is converted and the object is an ordinary one).
  @exclusivity(unchecked) private var source: JSONObject?
  /// The array and object members of a lazy object converted so far, by index in `source` (empty until the first
  /// is read).
  @exclusivity(unchecked) private var converted: [JV?] = []

  init() {}
  init(_ pairs: [(String, JV)]) { for (k, v) in pairs { self[k] = v } }
  /// A lazy object over JSON members.
  init(json: JSONObject) { source = json }

  /// The member at `index` of a lazy object's `source`. An array or object is converted on first use and kept (it
  /// must stay the same value: JSONata compares them by identity); anything else costs nothing to convert again.
  private func member(_ source: JSONObject, at index: Int) -> JV {
    let json = source.values[index]
    switch json {
    case .array, .object:
      if converted.isEmpty { converted = Array(repeating: nil, count: source.count) }
      if let value = converted[index] { return value }
      let value = JV(json)
      converted[index] = value
      return value
    default:
      return JV(json)
    }
  }

  /// Converts every member still held as JSON, making the object an ordinary one.
  private func convertAll() {
    guard let source else { return }
    var values: [String: JV] = [:]
    values.reserveCapacity(source.count)
    for i in 0..<source.count { values[source.keys[i]] = member(source, at: i) }
    eagerKeys = Array(source.keys)
    self.values = values
    self.source = nil
    converted = []
  }

  subscript(key: String) -> JV? {
    get {
      if let source {
        guard let index = source.index(forKey: key) else { return nil }
        return member(source, at: index)
      }
      return values[key]
    }
    set {
      convertAll()
      if let newValue {
        if values.updateValue(newValue, forKey: key) == nil { eagerKeys.append(key) }
      } else if values.removeValue(forKey: key) != nil {
        eagerKeys.removeAll { $0 == key }
      }
    }
  }
  var keys: [String] { source.map { Array($0.keys) } ?? eagerKeys }
  var count: Int { source?.count ?? eagerKeys.count }
  var isEmpty: Bool { count == 0 }
  var pairs: [(String, JV)] {
    if let source { return (0..<source.count).map { (source.keys[$0], member(source, at: $0)) } }
    return eagerKeys.map { ($0, values[$0]!) }
  }
  /// A shallow copy: the same member values, under keys that can then be changed independently.
  func copy() -> JObject {
    let o = JObject()
    if let source {
      if converted.isEmpty { converted = Array(repeating: nil, count: source.count) }
      o.source = source
      o.converted = converted
    } else {
      o.eagerKeys = eagerKeys
      o.values = values
    }
    return o
  }
}

/// A value inside the evaluator; `nil` (as `JV?`) is JSONata's *undefined*.
enum JV {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array(JArray)
  case object(JObject)
  case function(JFunction)

  var isArray: Bool { if case .array = self { true } else { false } }
  var asArray: JArray? { if case .array(let a) = self { a } else { nil } }
  var asObject: JObject? { if case .object(let o) = self { o } else { nil } }
  var asNumber: Double? { if case .number(let d) = self { d } else { nil } }
  var asString: String? { if case .string(let s) = self { s } else { nil } }
  var asFunction: JFunction? { if case .function(let f) = self { f } else { nil } }
  var isFunction: Bool { asFunction != nil }
  var isSequence: Bool { asArray?.isSequence ?? false }
}

extension JV {
  /// Converts a JSON value into the evaluator's representation.
  init(_ json: JSONValue) {
    switch json {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .int(let i): self = .number(Double(i))
    case .double(let d): self = .number(d)
    case .string(let s): self = .string(s)
    case .array(let items): self = .array(JArray(items.map(JV.init)))
    case .object(let members): self = .object(JObject(json: members))
    }
  }

  /// The JSON form of the value: functions become empty strings' absence (dropped), as JSON.stringify does.
  func toJSON() throws(JSONataError) -> JSONValue? {
    switch self {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .number(let d):
      guard d.isFinite else { throw JSONataError(.d1001, "Number out of range: \(JV.format(d))") }
      if d == d.rounded(), abs(d) < 9.007199254740992e15 { return .int(Int(d)) }
      return .double(d)
    case .string(let s): return .string(s)
    case .array(let a):
      var out: [JSONValue] = []
      out.reserveCapacity(a.count)
      for item in a.items { out.append(try item.toJSON() ?? .null) }
      return .array(out)
    case .object(let o):
      var out = JSONObject()
      for (k, v) in o.pairs { if let j = try v.toJSON() { out[k] = j } }
      return .object(out)
    case .function: return nil
    }
  }
}

/// Equality of values as JSONata's `=` sees it (deep for arrays and objects).
func deepEqual(_ a: JV?, _ b: JV?) -> Bool {
  switch (a, b) {
  case (nil, nil): return true
  case (.null?, .null?): return true
  case let (.bool(x)?, .bool(y)?): return x == y
  case let (.number(x)?, .number(y)?): return x == y
  case let (.string(x)?, .string(y)?): return x == y
  case let (.array(x)?, .array(y)?):
    guard x.count == y.count else { return false }
    for i in 0..<x.count where !deepEqual(x.items[i], y.items[i]) { return false }
    return true
  case let (.object(x)?, .object(y)?):
    guard x.count == y.count else { return false }
    for (k, v) in x.pairs { guard let w = y[k], deepEqual(v, w) else { return false } }
    return true
  case let (.function(x)?, .function(y)?): return x === y
  default: return false
  }
}

/// A double as an `Int`, saturating instead of trapping (NaN becomes 0): user numbers may be anything.
func clampInt(_ d: Double) -> Int {
  if d.isNaN { return 0 }
  if d >= 9.0e15 { return 9_000_000_000_000_000 }
  if d <= -9.0e15 { return -9_000_000_000_000_000 }
  return Int(d)
}
