import FlowCore

/// A value with the place in the file it came from.
struct Located<Value> {
  var value: Value
  var location: SourceLocation?
}

extension Located: Sendable where Value: Sendable {}

/// A JSON value read from YAML or JSON text, where every node (and every object key) keeps its position,
/// so that a problem found anywhere later can be reported at `file:line:column`.
struct LocatedNode: Sendable {
  indirect enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([LocatedNode])
    case object([Member])
  }

  /// One member of an object, in the order written. Keys are unique (duplicates are reported by the readers).
  struct Member: Sendable {
    var key: String
    var keyLocation: SourceLocation?
    var value: LocatedNode
  }

  var value: Value
  var location: SourceLocation?

  init(_ value: Value, at location: SourceLocation?) {
    self.value = value
    self.location = location
  }

  /// A node without positions (for definitions rebuilt from stored JSON).
  init(_ json: JSONValue) {
    location = nil
    switch json {
    case .null: value = .null
    case .bool(let b): value = .bool(b)
    case .int(let i): value = .int(i)
    case .double(let d): value = .double(d)
    case .string(let s): value = .string(s)
    case .array(let items): value = .array(items.map(LocatedNode.init))
    case .object(let members):
      value = .object(members.map { Member(key: $0.key, keyLocation: nil, value: LocatedNode($0.value)) })
    }
  }

  /// The plain JSON value, positions dropped.
  var json: JSONValue {
    switch value {
    case .null: .null
    case .bool(let b): .bool(b)
    case .int(let i): .int(i)
    case .double(let d): .double(d)
    case .string(let s): .string(s)
    case .array(let items): .array(items.map(\.json))
    case .object(let members):
      .object(JSONObject(members.map { ($0.key, $0.value.json) }, uniquingKeysWith: { first, _ in first }))
    }
  }

  var members: [Member]? {
    if case .object(let m) = value { m } else { nil }
  }

  var items: [LocatedNode]? {
    if case .array(let a) = value { a } else { nil }
  }

  var string: String? {
    if case .string(let s) = value { s } else { nil }
  }

  var isNull: Bool {
    if case .null = value { true } else { false }
  }

  /// The member named `key`, when this is an object that has it.
  func member(_ key: String) -> Member? {
    members?.first { $0.key == key }
  }

  subscript(key: String) -> LocatedNode? { member(key)?.value }

  /// The JSON type name used in messages: `object`, `array`, `string`, `integer`, `number`, `boolean`, `null`.
  var typeName: String {
    switch value {
    case .null: "null"
    case .bool: "boolean"
    case .int: "integer"
    case .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  /// A step of ``location(at:)``: an object key or an array index.
  enum PathComponent: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)
    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
  }

  /// The node reached by following `path`, or `nil`.
  func descendant(_ path: [PathComponent]) -> LocatedNode? {
    var node = self
    for component in path {
      switch component {
      case .key(let key):
        guard let next = node[key] else { return nil }
        node = next
      case .index(let i):
        guard let items = node.items, items.indices.contains(i) else { return nil }
        node = items[i]
      }
    }
    return node
  }

  /// The position of the node at `path`, or of the deepest node on the way when part of it is missing.
  func location(at path: PathComponent...) -> SourceLocation? {
    var node = self
    for component in path {
      switch component {
      case .key(let key):
        guard let next = node[key] else { return node.location }
        node = next
      case .index(let i):
        guard let items = node.items, items.indices.contains(i) else { return node.location }
        node = items[i]
      }
    }
    return node.location
  }

  /// The position of the key `key` of this object (better than the value's for "unknown field" messages).
  func keyLocation(_ key: String) -> SourceLocation? {
    member(key).map { $0.keyLocation ?? $0.value.location } ?? location
  }
}
