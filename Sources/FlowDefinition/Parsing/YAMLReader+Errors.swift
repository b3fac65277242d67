import FlowCore
import Yams

extension YAMLReader {
  /// Turns a Yams error into a diagnostic at the problem's position.
  func diagnostic(for error: any Error, in text: String) -> Diagnostic {
    guard let yamlError = error as? YamlError else {
      return .error(.syntaxError, "\(error)", at: SourceLocation(file: path, line: 1, column: 1))
    }
    switch yamlError {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      var message = problem
      if let context {
        message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
      }
      return .error(.syntaxError, message, at: location(mark))
    case .reader(let problem, let offset, _, _):
      return .error(.syntaxError, problem, at: offset.map { position(atUTF8Offset: $0, in: text) }.map {
        SourceLocation(file: path, line: $0.line, column: $0.column)
      })
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.first ?? ""
      let first = context.mark
      if let second = YAMLReader.secondOccurrence(of: key, after: (first.line, first.column), in: text) {
        return .error(.duplicateKey, "duplicate key '\(key)' (first defined at line \(first.line), column \(first.column))",
                      at: SourceLocation(file: path, line: second.line, column: second.column))
      }
      return .error(.duplicateKey, "the key '\(key)' appears twice in this mapping", at: location(first))
    default:
      return .error(.syntaxError, "\(yamlError)", at: SourceLocation(file: path, line: 1, column: 1))
    }
  }

  typealias Position = (line: Int, column: Int)

  private func position(atUTF8Offset offset: Int, in text: String) -> Position {
    var line = 1, column = 1
    for byte in text.utf8.prefix(offset) {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }

  /// Where `key` is written again in the mapping whose first `key` is at `first`.
  ///
  /// Yams reports a duplicate at the first occurrence; the second one is the mistake to show, so it is found again
  /// in the text: in a block mapping it is the next line indented like the first key, in a flow mapping the next
  /// member at the same nesting depth.
  static func secondOccurrence(of key: String, after first: Position, in text: String) -> Position? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
    guard first.line >= 1, first.line <= lines.count else { return nil }
    let firstLine = lines[first.line - 1]
    let column = first.column - 1
    guard column <= firstLine.count else { return nil }
    let before = firstLine[..<column]
    let isBlock = before.allSatisfy { $0 == " " || $0 == "-" }
    return isBlock
      ? secondInBlock(key, column: column, lines: lines, from: first.line)
      : secondInFlow(key, lines: lines, line: first.line - 1, column: column)
  }

  private static func startsWithKey(_ key: String, _ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
    let keyScalars = Array(key.unicodeScalars)
    for quote in ["", "\"", "'"] {
      let token = Array(quote.unicodeScalars) + keyScalars + Array(quote.unicodeScalars)
      guard scalars.count >= token.count, Array(scalars.prefix(token.count)) == token else { continue }
      let rest = scalars.dropFirst(token.count).drop { $0 == " " || $0 == "\t" }
      if rest.first == ":" { return true }
    }
    return false
  }

  private static func secondInBlock(_ key: String, column: Int, lines: [[Unicode.Scalar]], from lineIndex: Int) -> Position? {
    for index in lineIndex..<lines.count {
      let line = lines[index]
      guard let indent = line.firstIndex(where: { $0 != " " }), line[indent] != "#" else { continue }
      if indent < column {
        // A "- " item marker at a lower column that lines up the key with ours belongs to a new list item.
        return nil
      }
      if indent == column, startsWithKey(key, line[indent...]) {
        return (index + 1, column + 1)
      }
    }
    return nil
  }

  private static func secondInFlow(_ key: String, lines: [[Unicode.Scalar]], line: Int, column: Int) -> Position? {
    var depth = 0
    var quote: Unicode.Scalar?
    var afterComma = false
    var l = line, c = column
    // Skip the first key itself.
    c += 1
    while l < lines.count {
      while c < lines[l].count {
        let ch = lines[l][c]
        if let q = quote {
          if ch == "\\" && q == "\"" { c += 2; continue }
          if ch == q { quote = nil }
          c += 1
          continue
        }
        if afterComma && depth == 0 && ch != " " && ch != "\t" {
          if startsWithKey(key, lines[l][c...]) { return (l + 1, c + 1) }
          afterComma = false
        }
        switch ch {
        case "\"", "'": quote = ch
        case "{", "[": depth += 1
        case "}", "]":
          depth -= 1
          if depth < 0 { return nil }
        case "," where depth == 0: afterComma = true
        default: break
        }
        c += 1
      }
      l += 1
      c = 0
    }
    return nil
  }
}
