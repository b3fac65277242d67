extension JSONValue {
  /// The JSON text of the value: compact by default (no spaces, as Step Functions prints), or indented by two spaces.
  public func serialized(pretty: Bool = false, sortedKeys: Bool = false) -> String {
    var out = ""
    out.reserveCapacity(64)
    write(to: &out, pretty: pretty, sortedKeys: sortedKeys, indent: 0)
    return out
  }

  private func write(to out: inout String, pretty: Bool, sortedKeys: Bool, indent: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += JSONValue.format(d)
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
        item.write(to: &out, pretty: pretty, sortedKeys: sortedKeys, indent: indent + 1)
      }
      if pretty { out += "\n" + String(repeating: "  ", count: indent) }
      out += "]"
    case .object(let members):
      if members.isEmpty { out += "{}"; return }
      out += "{"
      let keys = sortedKeys ? members.keys.sorted() : Array(members.keys)
      for (i, key) in keys.enumerated() {
        if i > 0 { out += "," }
        if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
        JSONValue.writeString(key, to: &out)
        out += pretty ? ": " : ":"
        members[key]!.write(to: &out, pretty: pretty, sortedKeys: sortedKeys, indent: indent + 1)
      }
      if pretty { out += "\n" + String(repeating: "  ", count: indent) }
      out += "}"
    }
  }

  /// Formats a floating-point number as JSON: the shortest text that reads back as the same value;
  /// integral values keep a `.0`, and infinities and NaN (which JSON cannot hold) become `null`.
  static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    return d.description
  }

  /// Appends `s` as a JSON string literal (quotes and escapes included): the one JSON string writer of flow.
  public static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
