import FlowCore

/// The first argument of `States.Format`, split into text and `{}` placeholders.
enum FormatTemplate: Sendable {
  enum Part: Sendable {
    case text(String)
    case placeholder
  }

  case parts([Part])
  /// A `{` or `}` that is neither escaped nor part of `{}`: Step Functions rejects the call.
  case invalid

  /// The template of a string that comes from a path or a nested call, where there are no escapes.
  init(unescaped text: String) {
    var parts: [Part] = []
    var literal = ""
    var iterator = text.makeIterator()
    var pending = iterator.next()
    while let c = pending {
      pending = iterator.next()
      switch c {
      case "{":
        guard pending == "}" else {
          self = .invalid
          return
        }
        pending = iterator.next()
        if !literal.isEmpty { parts.append(.text(literal)) }
        literal = ""
        parts.append(.placeholder)
      case "}":
        self = .invalid
        return
      default:
        literal.append(c)
      }
    }
    if !literal.isEmpty { parts.append(.text(literal)) }
    self = .parts(parts)
  }

  var placeholderCount: Int? {
    guard case .parts(let parts) = self else { return nil }
    return parts.reduce(0) { count, part in
      if case .placeholder = part { count + 1 } else { count }
    }
  }

  /// The text with each placeholder replaced, in order, by the next of `values`.
  func render(_ values: [JSONValue]) -> String {
    guard case .parts(let parts) = self else { return "" }
    var out = ""
    var next = values.makeIterator()
    for part in parts {
      switch part {
      case .text(let text): out += text
      case .placeholder: next.next()?.appendFormatText(to: &out)
      }
    }
    return out
  }
}

extension JSONValue {
  /// How `States.Format` prints a value: a string as it is, a number, boolean or null as JSON, and an
  /// object or array the way Java prints maps and lists, as Step Functions does: `{a=1, b=[x, 2]}`.
  func appendFormatText(to out: inout String) {
    switch self {
    case .string(let s): out += s
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += ", " }
        item.appendFormatText(to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      var first = true
      for (key, value) in members {
        if !first { out += ", " }
        first = false
        out += key + "="
        value.appendFormatText(to: &out)
      }
      out += "}"
    default:
      out += serialized()
    }
  }
}
