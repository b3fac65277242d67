import FlowCore

/// Reading fields: presence, JSON types and unknown names, each problem reported where it is written.
extension DocumentDecoder {
  mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil) {
    diagnostics.append(.error(code, message, at: location, hint: hint))
  }

  mutating func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil) {
    diagnostics.append(.warning(code, message, at: location, hint: hint))
  }

  /// "an object", "a string", …
  func article(_ typeName: String) -> String {
    (["a", "e", "i", "o", "u"].contains(typeName.prefix(1)) ? "an " : "a ") + typeName
  }

  /// Reports a wrong type: `'Next' must be a string, got integer`.
  mutating func wrongType(_ what: String, expected: String, got node: LocatedNode) {
    error(.wrongType, "\(what) must be \(expected), got \(node.typeName)", at: node.location)
  }

  /// True when `node` is an object; reports it otherwise.
  mutating func object(_ node: LocatedNode, _ what: String) -> Bool {
    if node.members != nil { return true }
    wrongType(what, expected: "an object", got: node)
    return false
  }

  /// The member `key` of `node`, reporting it missing.
  mutating func required(_ node: LocatedNode, _ key: String, in what: String) -> LocatedNode? {
    if let value = node[key] { return value }
    error(.missingField, "\(what) has no '\(key)'", at: node.location)
    return nil
  }

  /// Reports every member of `node` whose name is not in `allowed`: a JSONata-only field, a field that belongs to
  /// other kinds of objects, or an unknown name with the closest allowed one as a hint.
  mutating func checkFields(of node: LocatedNode, allowed: [String], in what: String, knownElsewhere: Set<String> = [],
                            language: QueryLanguage = .jsonPath) {
    for member in node.members ?? [] where !allowed.contains(member.key) {
      let at = member.keyLocation ?? member.value.location
      if language == .jsonPath, StateFields.jsonataOnly.contains(member.key) {
        error(.queryLanguageMismatch, "'\(member.key)' is a JSONata field, not allowed in \(what), which uses JSONPath", at: at,
              hint: "set 'QueryLanguage: JSONata' on the state or the state machine to use it")
      } else if language == .jsonata, StateFields.jsonPathOnly.contains(member.key) || member.key.hasSuffix(".$") {
        error(.queryLanguageMismatch, "'\(member.key)' is a JSONPath field, not allowed in \(what), which uses JSONata", at: at,
              hint: Self.jsonataReplacement[member.key].map { "use '\($0)' with a {% … %} expression" })
      } else if knownElsewhere.contains(member.key) {
        error(.fieldNotAllowed, "'\(member.key)' is not allowed in \(what)", at: at)
      } else {
        error(.unknownField, "unknown field '\(member.key)' in \(what)", at: at, hint: allowed.closestMatch(to: member.key).didYouMean)
      }
    }
  }

  /// The JSONata field that does the work of a JSONPath one.
  static let jsonataReplacement: [String: String] = [
    "Parameters": "Arguments", "ResultSelector": "Output", "ResultPath": "Output", "OutputPath": "Output",
    "InputPath": "Arguments", "ItemsPath": "Items", "Variable": "Condition", "SecondsPath": "Seconds",
    "TimestampPath": "Timestamp", "ErrorPath": "Error", "CausePath": "Cause", "TimeoutSecondsPath": "TimeoutSeconds",
    "HeartbeatSecondsPath": "HeartbeatSeconds", "MaxConcurrencyPath": "MaxConcurrency",
    "ToleratedFailurePercentagePath": "ToleratedFailurePercentage", "ToleratedFailureCountPath": "ToleratedFailureCount",
  ]

  /// Reports the second and later of `keys` present in `node` (fields that exclude each other).
  /// - Returns: the first of `keys` present, if any.
  @discardableResult
  mutating func exclusive(_ node: LocatedNode, _ keys: [String]) -> String? {
    let present = keys.filter { node[$0] != nil }
    for extra in present.dropFirst() {
      error(.conflictingFields, "'\(present[0])' and '\(extra)' cannot be used together", at: node.keyLocation(extra))
    }
    return present.first
  }

  // MARK: Typed members (nil when absent or of the wrong type, which is reported)

  mutating func stringValue(_ node: LocatedNode, _ what: String) -> Located<String>? {
    if let s = node.string { return Located(value: s, location: node.location) }
    wrongType("'\(what)'", expected: "a string", got: node)
    return nil
  }

  mutating func string(_ node: LocatedNode, _ key: String) -> Located<String>? {
    node[key].flatMap { stringValue($0, key) }
  }

  mutating func bool(_ node: LocatedNode, _ key: String) -> Located<Bool>? {
    guard let value = node[key] else { return nil }
    if case .bool(let b) = value.value { return Located(value: b, location: value.location) }
    wrongType("'\(key)'", expected: "true or false", got: value)
    return nil
  }

  /// An integer (a number without a fractional part is accepted too, as JSON does not tell them apart).
  mutating func intValue(_ node: LocatedNode, _ what: String) -> Located<Int>? {
    switch node.value {
    case .int(let i): return Located(value: i, location: node.location)
    case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Located(value: Int(d), location: node.location)
    case .double: error(.wrongType, "'\(what)' must be an integer, got \(node.json)", at: node.location)
    default: wrongType("'\(what)'", expected: "an integer", got: node)
    }
    return nil
  }

  mutating func int(_ node: LocatedNode, _ key: String) -> Located<Int>? {
    node[key].flatMap { intValue($0, key) }
  }

  mutating func number(_ node: LocatedNode, _ key: String) -> Located<Double>? {
    guard let value = node[key] else { return nil }
    switch value.value {
    case .int(let i): return Located(value: Double(i), location: value.location)
    case .double(let d): return Located(value: d, location: value.location)
    default:
      wrongType("'\(key)'", expected: "a number", got: value)
      return nil
    }
  }

  mutating func array(_ node: LocatedNode, _ key: String) -> [LocatedNode]? {
    guard let value = node[key] else { return nil }
    if let items = value.items { return items }
    wrongType("'\(key)'", expected: "a list", got: value)
    return nil
  }

  /// A list of strings (`ErrorEquals`, `CSVHeaders`).
  mutating func strings(_ node: LocatedNode, _ key: String) -> [Located<String>]? {
    guard let items = array(node, key) else { return nil }
    return items.compactMap { item in
      if let s = item.string { return Located(value: s, location: item.location) }
      wrongType("entries of '\(key)'", expected: "strings", got: item)
      return nil
    }
  }
}
