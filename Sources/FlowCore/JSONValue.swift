import OrderedCollections

/// A JSON object whose keys keep the order in which they were written.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// A JSON value: what flows between states, what steps receive and return, and what the store keeps.
///
/// Integers and floating-point numbers are kept apart so that `1` prints as `1` and `1.5` as `1.5`,
/// but they compare by numeric value: `.int(1) == .double(1.0)`.
public enum JSONValue: Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

extension JSONValue: Hashable {
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case let (.bool(a), .bool(b)): a == b
    case let (.int(a), .int(b)): a == b
    case let (.int(a), .double(b)), let (.double(b), .int(a)): Double(a) == b
    case let (.double(a), .double(b)): a == b
    case let (.string(a), .string(b)): a == b
    case let (.array(a), .array(b)): a == b
    case let (.object(a), .object(b)): a.count == b.count && a.allSatisfy { b[$0.key] == $0.value }
    default: false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .int(let i): hasher.combine(Double(i))
    case .double(let d): hasher.combine(d)
    case .string(let s): hasher.combine(s)
    case .array(let a): hasher.combine(a)
    case .object(let o):
      // Order-independent, as equality is.
      var sum = 0
      for (key, value) in o { sum &+= key.hashValue ^ value.hashValue }
      hasher.combine(sum)
    }
  }
}

extension JSONValue {
  /// The name of the value's JSON type, as error messages use it: `object`, `array`, `string`, `number`, `boolean`, `null`.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .int, .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  public var isNumber: Bool {
    switch self { case .int, .double: true; default: false }
  }

  /// The value as a `Double` when it is a number.
  public var doubleValue: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }

  /// The value as an `Int` when it is an integer, or a floating-point number with no fractional part.
  public var intValue: Int? {
    switch self {
    case .int(let i): i
    case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: Int(d)
    default: nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { s } else { nil }
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { b } else { nil }
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { a } else { nil }
  }

  public var objectValue: JSONObject? {
    if case .object(let o) = self { o } else { nil }
  }

  /// The member named `key` when the value is an object.
  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { o[key] } else { nil }
  }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(JSONObject(elements, uniquingKeysWith: { _, last in last }))
  }
}

extension JSONValue: CustomStringConvertible {
  /// The compact JSON text of the value.
  public var description: String { serialized() }
}

extension JSONValue {
  /// `{}`.
  public static let emptyObject = JSONValue.object(JSONObject())
}
