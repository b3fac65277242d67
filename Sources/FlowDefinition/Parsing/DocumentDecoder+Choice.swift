import FlowCore
import FlowExpressions

/// Choice states and their rules (`And`, `Or`, `Not`, comparisons and type tests, nested to any depth).
extension DocumentDecoder {
  static let comparisonKeys: [String] = ComparisonOperator.allCases.flatMap { op in
    op == .stringMatches ? [op.rawValue] : [op.rawValue, op.rawValue + "Path"]
  }
  static let typeTestKeys = TypeTest.allCases.map(\.rawValue)
  static let conditionKeys = ["And", "Or", "Not"] + comparisonKeys + typeTestKeys
  static let ruleFields = ["Variable", "Next", "Assign", "Comment"] + conditionKeys
  static let jsonataRuleFields = ["Condition", "Next", "Assign", "Output", "Comment"]

  /// The Choice state, and every state it can go to (each rule's `Next`, then `Default`).
  mutating func choiceState(_ node: LocatedNode, in what: String, language: QueryLanguage) -> (ChoiceState, [Located<String>]) {
    var targets: [Located<String>] = []
    var rules: [ChoiceRule] = []
    if let choicesNode = node["Choices"] {
      if let items = choicesNode.items {
        if items.isEmpty { error(.emptyChoice, "\(what) has no rules in 'Choices'", at: choicesNode.location) }
        for item in items {
          guard object(item, "a 'Choices' rule") else { continue }
          if language == .jsonata {
            checkFields(of: item, allowed: Self.jsonataRuleFields, in: "a Choice rule", language: .jsonata)
            let condition = required(item, "Condition", in: "the Choice rule").flatMap { jsonata($0, "Condition") }
            if let value = item["Condition"], value.json.boolValue == nil, JSONataTemplate.expressionText(value.string ?? "") == nil {
              wrongType("'Condition'", expected: "true, false or a {% … %} expression", got: value)
            }
            let next = required(item, "Next", in: "the Choice rule").flatMap { stringValue($0, "Next") }
            if let next { targets.append(next) }
            var rule = ChoiceRule(condition: condition.map { .jsonata($0) } ?? .and([]), next: next?.value ?? "", location: item.location)
            rule.jsonata = jsonataFields(in: item)
            rules.append(rule)
            continue
          }
          let condition = decodeCondition(item, topLevel: true)
          let next = required(item, "Next", in: "the Choice rule").flatMap { stringValue($0, "Next") }
          if let next { targets.append(next) }
          rules.append(ChoiceRule(condition: condition ?? .and([]), next: next?.value ?? "", assign: assign(in: item),
                                  location: item.location))
        }
      } else {
        wrongType("'Choices'", expected: "a list of rules", got: choicesNode)
      }
    } else {
      error(.emptyChoice, "\(what) has no 'Choices'", at: node.location, hint: "add a list of rules, each with a condition and 'Next'")
    }
    let defaultNext = string(node, "Default")
    if let defaultNext { targets.append(defaultNext) }
    return (ChoiceState(choices: rules, defaultNext: defaultNext?.value), targets)
  }

  /// One rule's condition: exactly one of `And`, `Or`, `Not`, a comparison or a type test.
  mutating func decodeCondition(_ node: LocatedNode, topLevel: Bool) -> ChoiceCondition? {
    checkFields(of: node, allowed: Self.ruleFields, in: "a Choice rule")
    if !topLevel {
      for key in ["Next", "Assign"] where node[key] != nil {
        error(.fieldNotAllowed, "'\(key)' is only allowed on top-level Choice rules, not inside And, Or or Not",
              at: node.keyLocation(key))
      }
    }
    let operators = (node.members ?? []).filter { Self.conditionKeys.contains($0.key) }
    guard let first = operators.first else {
      // An unknown key (reported above) is most likely the misspelt operator: don't report it twice.
      let hasUnknownKey = (node.members ?? []).contains { !Self.ruleFields.contains($0.key) }
      if !hasUnknownKey {
        error(.missingField, "the Choice rule has no condition", at: node.location,
              hint: "use And, Or, Not, a comparison such as StringEquals, or a test such as IsPresent")
      }
      return nil
    }
    for extra in operators.dropFirst() {
      error(.conflictingFields, "a Choice rule has one condition: '\(first.key)' and '\(extra.key)' cannot be used together",
            at: extra.keyLocation ?? extra.value.location, hint: "combine conditions with And or Or")
    }
    switch first.key {
    case "And", "Or":
      if node["Variable"] != nil {
        error(.fieldNotAllowed, "'Variable' is not allowed with '\(first.key)'", at: node.keyLocation("Variable"))
      }
      guard let items = first.value.items else {
        wrongType("'\(first.key)'", expected: "a list of rules", got: first.value)
        return nil
      }
      if items.isEmpty { error(.missingField, "'\(first.key)' needs at least one rule", at: first.value.location) }
      let conditions = items.compactMap { item in object(item, "a rule in '\(first.key)'") ? decodeCondition(item, topLevel: false) : nil }
      guard conditions.count == items.count else { return nil }
      return first.key == "And" ? .and(conditions) : .or(conditions)
    case "Not":
      if node["Variable"] != nil {
        error(.fieldNotAllowed, "'Variable' is not allowed with 'Not'", at: node.keyLocation("Variable"))
      }
      guard object(first.value, "'Not'") else { return nil }
      return decodeCondition(first.value, topLevel: false).map { .not($0) }
    default:
      let variable = required(node, "Variable", in: "a '\(first.key)' rule").flatMap { path($0, "Variable") }
      guard let operand = comparisonOperand(first) else { return nil }
      guard let variable else { return nil }
      switch operand {
      case .test(let test, let expected): return .test(variable: variable, test, expected: expected)
      case .compare(let op, let value): return .compare(variable: variable, op, value)
      }
    }
  }

  private enum Operand {
    case test(TypeTest, Bool)
    case compare(ComparisonOperator, ChoiceOperand)
  }

  /// The operator and its right-hand side, with the right JSON type for the operator.
  private mutating func comparisonOperand(_ member: LocatedNode.Member) -> Operand? {
    let key = member.key, value = member.value
    if let test = TypeTest(rawValue: key) {
      guard case .bool(let expected) = value.value else {
        wrongType("'\(key)'", expected: "true or false", got: value)
        return nil
      }
      return .test(test, expected)
    }
    if key.hasSuffix("Path"), let op = ComparisonOperator(rawValue: String(key.dropLast(4))) {
      return path(value, key).map { .compare(op, .path($0)) }
    }
    guard let op = ComparisonOperator(rawValue: key) else { return nil }
    switch key {
    case _ where key.hasPrefix("String"):
      guard value.string != nil else { wrongType("'\(key)'", expected: "a string", got: value); return nil }
    case _ where key.hasPrefix("Numeric"):
      guard value.json.isNumber else { wrongType("'\(key)'", expected: "a number", got: value); return nil }
    case _ where key.hasPrefix("Boolean"):
      guard value.json.boolValue != nil else { wrongType("'\(key)'", expected: "true or false", got: value); return nil }
    default:
      guard let text = value.string else { wrongType("'\(key)'", expected: "a timestamp string", got: value); return nil }
      guard RFC3339Timestamp(text) != nil else {
        error(.invalidTimestamp, "'\(key)' is not an RFC 3339 timestamp: '\(text)'", at: value.location,
              hint: "for example 2025-01-31T09:30:00Z or 2025-01-31T10:30:00.5+01:00")
        return nil
      }
    }
    return .compare(op, .value(value.json))
  }
}
