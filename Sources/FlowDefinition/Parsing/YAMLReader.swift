import FlowCore
import Foundation
import Yams

/// Reads YAML text (JSON included, as YAML is a superset of it) into a ``LocatedNode`` tree.
///
/// Scalars follow the YAML 1.2 core schema (so `yes`, `no`, `on` and `off` stay strings, unlike YAML 1.1):
/// plain `null`/`~`/empty, `true`/`false`, integers and floats get their JSON types; quoted and block scalars
/// are strings. Anchors and aliases are expanded and `<<` merge keys are applied. Tags other than the core
/// ones (`!!str`, `!!int`, …) have no JSON equivalent and are rejected, as are keys that are not strings.
struct YAMLReader {
  let path: String

  /// The tree of `text`, or `nil` with at least one error appended to `diagnostics`.
  func read(_ text: String, into diagnostics: inout [Diagnostic]) -> LocatedNode? {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text, YAMLReader.coreSchema)
    } catch {
      diagnostics.append(diagnostic(for: error, in: text))
      return nil
    }
    guard let root else {
      diagnostics.append(.error(.syntaxError, "the file is empty: expected a mapping with 'StartAt' and 'States'",
                                at: SourceLocation(file: path, line: 1, column: 1)))
      return nil
    }
    let errorsBefore = diagnostics.count(where: \.isError)
    let budget = ExpansionBudget(limit: Self.nodeLimit(forTextOfLength: text.utf8.count))
    let node = convert(root, budget: budget, into: &diagnostics)
    return diagnostics.count(where: \.isError) == errorsBefore ? node : nil
  }

  /// Yams resolves implicit tags with these rules (the YAML 1.2 core schema) when it compares keys,
  /// so its duplicate-key check agrees with how ``resolvePlain(_:)`` types scalars.
  static let coreSchema: Resolver = {
    // The patterns are constants: a failure here is a programming error.
    // swiftlint:disable force_try
    try! Resolver.basic
      .appending(.null, "^(?:~|null|Null|NULL|)$")
      .appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
      .appending(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
      .appending(.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$")
    // swiftlint:enable force_try
  }()

  func location(_ mark: Mark?) -> SourceLocation? {
    mark.map { SourceLocation(file: path, line: $0.line, column: $0.column) }
  }

  /// The most nodes a file of `length` bytes may become once aliases are expanded. Without aliases a file has
  /// fewer nodes than bytes; a few hundred bytes of nested aliases (an "alias bomb") would be billions.
  static func nodeLimit(forTextOfLength length: Int) -> Int { 100_000 + 4 * length }

  private func convert(_ node: Node, budget: ExpansionBudget, into diagnostics: inout [Diagnostic]) -> LocatedNode {
    let at = location(node.mark)
    // Counted while composing the tree, so an alias bomb stops here instead of exhausting memory.
    guard budget.take() else {
      if !budget.reported {
        budget.reported = true
        diagnostics.append(.error(.syntaxError, "the document expands to more than \(budget.limit) nodes once its aliases are expanded",
                                  at: at, hint: "an anchor is repeated too often (an alias bomb?); write the values out or use fewer aliases"))
      }
      return LocatedNode(.null, at: at)
    }
    switch node {
    case .scalar(let scalar):
      return LocatedNode(scalarValue(scalar, into: &diagnostics), at: at)
    case .sequence(let sequence):
      checkCollectionTag(sequence.tag.rawValue, expected: .seq, at: at, into: &diagnostics)
      return LocatedNode(.array(sequence.map { convert($0, budget: budget, into: &diagnostics) }), at: at)
    case .mapping(let mapping):
      checkCollectionTag(mapping.tag.rawValue, expected: .map, at: at, into: &diagnostics)
      return LocatedNode(.object(members(of: mapping, budget: budget, into: &diagnostics)), at: at)
    case .alias(let alias):
      // `compose` already replaces aliases by the anchored node; kept for completeness.
      diagnostics.append(.error(.syntaxError, "unresolved alias '*\(alias.anchor.rawValue)'", at: at))
      return LocatedNode(.null, at: at)
    }
  }

  private func members(of mapping: Node.Mapping, budget: ExpansionBudget, into diagnostics: inout [Diagnostic]) -> [LocatedNode.Member] {
    var explicit: [LocatedNode.Member] = []
    var merged: [LocatedNode.Member] = []
    for (keyNode, valueNode) in mapping {
      if case .scalar(let k) = keyNode, k.string == "<<", k.style == .plain {
        merged += mergeSources(valueNode, budget: budget, into: &diagnostics)
        continue
      }
      guard let key = keyString(keyNode, into: &diagnostics) else { continue }
      explicit.append(.init(key: key, keyLocation: location(keyNode.mark), value: convert(valueNode, budget: budget, into: &diagnostics)))
    }
    // Keys written in the mapping win over merged ones; among merged sources, the first one wins.
    var seen = Set(explicit.map(\.key))
    for member in merged where seen.insert(member.key).inserted {
      explicit.append(member)
    }
    return explicit
  }

  /// The members that a `<<` merge key brings in: one mapping or a sequence of mappings.
  private func mergeSources(_ node: Node, budget: ExpansionBudget, into diagnostics: inout [Diagnostic]) -> [LocatedNode.Member] {
    guard budget.take() else { return [] }
    switch node {
    case .mapping(let mapping):
      return members(of: mapping, budget: budget, into: &diagnostics)
    case .sequence(let sequence):
      return sequence.flatMap { mergeSources($0, budget: budget, into: &diagnostics) }
    default:
      diagnostics.append(.error(.wrongType, "a '<<' merge key needs a mapping or a list of mappings", at: location(node.mark)))
      return []
    }
  }

  private func keyString(_ node: Node, into diagnostics: inout [Diagnostic]) -> String? {
    guard case .scalar(let scalar) = node else {
      diagnostics.append(.error(.invalidKey, "mapping keys must be strings, not \(node.mapping != nil ? "mappings" : "lists")",
                                at: location(node.mark)))
      return nil
    }
    let value = scalarValue(scalar, into: &diagnostics)
    if case .string(let s) = value { return s }
    diagnostics.append(.error(.invalidKey, "the key '\(scalar.string)' is \(LocatedNode(value, at: nil).typeName == "integer" ? "an integer" : "a " + LocatedNode(value, at: nil).typeName), not a string",
                              at: location(scalar.mark), hint: "quote it: '\"\(scalar.string)\"'"))
    return nil
  }

  private func checkCollectionTag(_ tag: String, expected: Tag.Name, at: SourceLocation?, into diagnostics: inout [Diagnostic]) {
    guard !tag.isEmpty, tag != "!", tag != expected.rawValue else { return }
    diagnostics.append(.error(.unsupportedTag, "the YAML tag '\(tag)' has no JSON equivalent", at: at))
  }

  private func scalarValue(_ scalar: Node.Scalar, into diagnostics: inout [Diagnostic]) -> LocatedNode.Value {
    let text = scalar.string
    let at = location(scalar.mark)
    let tag = scalar.tag.rawValue
    // An empty tag is implicit (resolved here); a core tag may also be one that Yams resolved with our rules.
    let implicit = tag.isEmpty || (scalar.style == .plain && tag == YAMLReader.resolvedTag(of: text).rawValue)
    if implicit {
      guard scalar.style == .plain else { return .string(text) }
      return resolved(text, at: at, into: &diagnostics)
    }
    switch Tag.Name(rawValue: tag) {
    case .str, .nonSpecific: return .string(text)
    case .null, .bool, .int, .float:
      var value = resolved(text, at: at, into: &diagnostics)
      if tag == Tag.Name.float.rawValue, case .int(let i) = value { value = .double(Double(i)) }
      let matches = switch value {
      case .null: tag == Tag.Name.null.rawValue
      case .bool: tag == Tag.Name.bool.rawValue
      case .int: tag == Tag.Name.int.rawValue
      case .double: tag == Tag.Name.float.rawValue
      default: false
      }
      if !matches {
        let typeName = tag.split(separator: ":").last.map(String.init) ?? tag
        diagnostics.append(.error(.wrongType, "'\(text)' is not a valid \(typeName) (tagged '\(tag)')", at: at))
      }
      return value
    default:
      diagnostics.append(.error(.unsupportedTag, "the YAML tag '\(tag)' has no JSON equivalent", at: at,
                                hint: "remove the tag, or quote the value to make it a string"))
      return .string(text)
    }
  }

  private func resolved(_ text: String, at: SourceLocation?, into diagnostics: inout [Diagnostic]) -> LocatedNode.Value {
    if let value = YAMLReader.resolvePlain(text) { return value }
    diagnostics.append(.error(.invalidValue, "'\(text)' is not a finite number (infinity, NaN or out of range), which JSON cannot hold", at: at))
    return .null
  }
}

/// How many more nodes one read may produce (see ``YAMLReader/nodeLimit(forTextOfLength:)``); used by one thread.
private final class ExpansionBudget {
  let limit: Int
  private var used = 0
  /// Whether the error has been reported (once per document).
  var reported = false

  init(limit: Int) { self.limit = limit }

  /// Counts one node; `false` once the limit is passed.
  func take() -> Bool {
    used += 1
    return used <= limit
  }
}
