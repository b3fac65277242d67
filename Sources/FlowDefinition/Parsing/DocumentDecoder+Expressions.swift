import FlowCore
import FlowExpressions

/// Compiling paths, templates and intrinsic calls; a syntax error is reported at the string that holds it.
extension DocumentDecoder {
  /// Any JSONPath (`InputPath`, `ItemsPath`, `Variable`, `…Path` fields).
  mutating func path(_ node: LocatedNode, _ field: String) -> JSONPath? {
    guard let text = stringValue(node, field) else { return nil }
    do {
      return try JSONPath(text.value)
    } catch {
      self.error(.invalidPath, "'\(field)' is not a valid path: \(error.message)", at: text.location)
      return nil
    }
  }

  mutating func path(in node: LocatedNode, _ key: String) -> JSONPath? {
    node[key].flatMap { path($0, key) }
  }

  /// `InputPath` / `OutputPath`: a path, or `null`.
  mutating func optionalPath(in node: LocatedNode, _ key: String) -> OptionalPath {
    guard let value = node[key] else { return .path(nil) }
    if value.isNull { return .null }
    return .path(path(value, key))
  }

  /// `ResultPath`: a reference path (it names one place to write to), or `null`.
  mutating func resultPath(in node: LocatedNode, _ key: String = "ResultPath") -> OptionalResultPath {
    guard let value = node[key] else { return .path(nil) }
    if value.isNull { return .null }
    guard let text = stringValue(value, key) else { return .path(nil) }
    do {
      return .path(try ReferencePath(text.value))
    } catch {
      self.error(.invalidResultPath, "'\(key)' must be a reference path: \(error.message)", at: text.location)
      return .path(nil)
    }
  }

  /// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `BatchInput`, `Assign`).
  mutating func template(in node: LocatedNode, _ key: String, requireObject: Bool = true) -> PayloadTemplate? {
    guard let value = node[key] else { return nil }
    if requireObject, !object(value, "'\(key)'") { return nil }
    // Every bad member is reported, not only the first, with intrinsic calls whose argument count is wrong.
    let problems = PayloadTemplate.problems(in: value.json)
    for problem in problems {
      let culprit = Self.node(at: problem.keyPath, in: value)
      let code: DiagnosticCode = culprit.string.map(IntrinsicFunction.isCall) == true ? .invalidIntrinsic : .invalidTemplate
      self.error(code, "'\(key)': \(problem.message)", at: culprit.location)
    }
    guard problems.isEmpty else { return nil }
    return try? PayloadTemplate(value.json)
  }

  /// `Assign`: a template whose top-level keys are variable names.
  mutating func assign(in node: LocatedNode) -> PayloadTemplate? {
    guard let value = node["Assign"] else { return nil }
    if let members = value.members {
      for member in members {
        let name = member.key.hasSuffix(".$") ? String(member.key.dropLast(2)) : member.key
        if !Self.isVariableName(name) {
          error(.invalidVariableName, "'\(name)' is not a valid variable name", at: member.keyLocation ?? member.value.location,
                hint: "start with a letter or '_', then letters, digits or '_' (at most 80 characters)")
        }
      }
    }
    return template(in: node, "Assign")
  }

  static func isVariableName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 80 else { return false }
    func isLetter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" }
    return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || $0.properties.numericType != nil }
  }

  /// `ErrorPath` / `CausePath`: a path or an intrinsic function call.
  mutating func stringSource(in node: LocatedNode, value key: String, path pathKey: String) -> StringSource? {
    if let literal = string(node, key) { return .value(literal.value) }
    guard let pathNode = node[pathKey], let text = stringValue(pathNode, pathKey) else { return nil }
    if IntrinsicFunction.isCall(text.value) {
      do {
        let function = try IntrinsicFunction(text.value)
        for problem in function.arityProblems {
          self.error(.invalidIntrinsic, "'\(pathKey)' is not a valid intrinsic function call: \(problem)", at: text.location)
        }
        return .intrinsic(function)
      } catch {
        self.error(.invalidIntrinsic, "'\(pathKey)' is not a valid intrinsic function call: \(error.message)", at: text.location)
        return nil
      }
    }
    return path(pathNode, pathKey).map { .path($0) }
  }

  /// A number given as `key` or read from `key + "Path"`; the two exclude each other.
  mutating func numberSource(in node: LocatedNode, _ key: String, integer: Bool) -> NumberSource? {
    exclusive(node, [key, key + "Path"])
    if node[key] != nil {
      if integer { return int(node, key).map { .value(Double($0.value)) } }
      return number(node, key).map { .value($0.value) }
    }
    return path(in: node, key + "Path").map { .path($0) }
  }

  /// The node a template error's key path leads to (as deep as it exists).
  static func node(at keyPath: [String], in root: LocatedNode) -> LocatedNode {
    var node = root
    for key in keyPath {
      if let next = node[key] {
        node = next
      } else if let items = node.items, let i = Int(key), items.indices.contains(i) {
        node = items[i]
      } else {
        break
      }
    }
    return node
  }
}
