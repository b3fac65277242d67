import Yams

extension YAMLReader {
  /// The JSON value of a plain (unquoted) scalar under the YAML 1.2 core schema, or `nil` for `.inf`, `.nan`
  /// and numbers too large for a double (`1e999`), which JSON cannot hold.
  static func resolvePlain(_ text: String) -> LocatedNode.Value? {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if let i = integer(text) { return .int(i) }
    if isDecimalInteger(text) {
      // Too large for Int: keep it as a number, as JSON readers do.
      guard let number = Double(text) else { return .string(text) }
      return number.isFinite ? .double(number) : nil
    }
    if isFloat(text) {
      guard let number = Double(text) else { return .string(text) }
      return number.isFinite ? .double(number) : nil
    }
    if nonFinite.contains(text) { return nil }
    return .string(text)
  }

  private static let nonFinite: Set<String> = [
    ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
  ]

  /// The tag ``coreSchema`` gives a plain scalar (what Yams may have stored in the node after comparing keys).
  static func resolvedTag(of text: String) -> Tag.Name {
    switch resolvePlain(text) {
    case .null: .null
    case .bool: .bool
    case .int: .int
    case .double: .float
    case nil: .float
    default: .str
    }
  }

  private static func integer(_ text: String) -> Int? {
    if text.hasPrefix("0o"), text.count > 2 { return Int(text.dropFirst(2), radix: 8) }
    if text.hasPrefix("0x"), text.count > 2 { return Int(text.dropFirst(2), radix: 16) }
    guard isDecimalInteger(text) else { return nil }
    return Int(text)
  }

  private static func isDecimalInteger(_ text: String) -> Bool {
    var scalars = Substring(text).unicodeScalars[...]
    if let first = scalars.first, first == "-" || first == "+" { scalars = scalars.dropFirst() }
    return !scalars.isEmpty && scalars.allSatisfy { ("0"..."9").contains($0) }
  }

  /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked by hand because Swift's `Double(_:)`
  /// also accepts `inf`, `nan` and hexadecimal floats, which YAML reads as strings.
  private static func isFloat(_ text: String) -> Bool {
    let chars = Array(text.utf8)
    var i = 0
    func digits() -> Int {
      let start = i
      while i < chars.count, chars[i] >= UInt8(ascii: "0"), chars[i] <= UInt8(ascii: "9") { i += 1 }
      return i - start
    }
    if i < chars.count, chars[i] == UInt8(ascii: "-") || chars[i] == UInt8(ascii: "+") { i += 1 }
    let whole = digits()
    if i < chars.count, chars[i] == UInt8(ascii: ".") {
      i += 1
      let fraction = digits()
      if whole == 0 && fraction == 0 { return false }
    } else if whole == 0 {
      return false
    }
    if i < chars.count, chars[i] == UInt8(ascii: "e") || chars[i] == UInt8(ascii: "E") {
      i += 1
      if i < chars.count, chars[i] == UInt8(ascii: "-") || chars[i] == UInt8(ascii: "+") { i += 1 }
      if digits() == 0 { return false }
    }
    return i == chars.count
  }
}
