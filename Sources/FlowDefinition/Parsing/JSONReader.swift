import FlowCore

/// Reads JSON text into a ``LocatedNode`` tree, exactly as JSON (no YAML extensions), keeping every position.
///
/// The reading is FlowCore's ``JSONParser``; this builds its nodes. A duplicate key is reported at its second
/// occurrence and the first value is kept, so that every duplicate of a file is found in one pass. A syntax error
/// stops reading.
struct JSONReader {
  let path: String

  /// The tree of `text`, or `nil` with at least one error appended to `diagnostics`.
  func read(_ text: String, into diagnostics: inout [Diagnostic]) -> LocatedNode? {
    let bytes = Array(text.utf8)
    let positions = TextPositions(bytes)
    guard bytes.contains(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) else {
      let (line, column) = positions.location(of: bytes.count)
      diagnostics.append(.error(.syntaxError, "the file is empty: expected a JSON object with 'StartAt' and 'States'",
                                at: SourceLocation(file: path, line: line, column: column)))
      return nil
    }
    var parser = JSONParser(bytes, builder: LocatedNodeBuilder(path: path, positions: positions))
    do {
      let node = try parser.parseDocument()
      diagnostics += parser.builder.duplicates
      return parser.builder.duplicates.isEmpty ? node : nil
    } catch {
      diagnostics += parser.builder.duplicates
      diagnostics.append(.error(.syntaxError, error.message, at: SourceLocation(file: path, line: error.line, column: error.column)))
      return nil
    }
  }
}

/// Builds ``LocatedNode``s for ``JSONParser``, gathering duplicate keys as diagnostics.
private struct LocatedNodeBuilder: JSONTreeBuilder {
  struct Members {
    var list: [LocatedNode.Member] = []
    var firstSeen: [String: SourceLocation] = [:]
  }

  let path: String
  let positions: TextPositions
  var duplicates: [Diagnostic] = []

  func location(_ offset: Int) -> SourceLocation {
    let (line, column) = positions.location(of: offset)
    return SourceLocation(file: path, line: line, column: column)
  }

  func scalar(_ value: JSONValue, at offset: Int) -> LocatedNode {
    LocatedNode(LocatedNode(value).value, at: location(offset))
  }

  func array(_ items: [LocatedNode], at offset: Int) -> LocatedNode { LocatedNode(.array(items), at: location(offset)) }
  func newMembers() -> Members { Members() }

  mutating func add(_ key: String, at keyOffset: Int, value: LocatedNode, to members: inout Members) -> String? {
    let keyLocation = location(keyOffset)
    if let first = members.firstSeen[key] {
      duplicates.append(.error(.duplicateKey, "duplicate key '\(key)' (first defined at line \(first.line), column \(first.column))",
                               at: keyLocation))
    } else {
      members.firstSeen[key] = keyLocation
      members.list.append(.init(key: key, keyLocation: keyLocation, value: value))
    }
    return nil
  }

  func object(_ members: Members, at offset: Int) -> LocatedNode { LocatedNode(.object(members.list), at: location(offset)) }
}
