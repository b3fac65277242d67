import FlowCore
import Foundation

extension JV {
  /// A number as JavaScript's `String(n)` writes it: shortest round-trip digits, exponent form outside 1e-7..1e21.
  static func format(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == 0 { return "0" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    let negative = d < 0
    // Swift's description gives the shortest round-trip digits; re-lay them out the JavaScript way.
    let desc = abs(d).description
    var mantissa = desc
    var exp = 0
    if let eIndex = desc.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = String(desc[..<eIndex])
      exp = Int(desc[desc.index(after: eIndex)...]) ?? 0
    }
    var digits = mantissa.replacingOccurrences(of: ".", with: "")
    let pointPos = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
    var n = pointPos + exp
    // strip leading zeros
    while digits.hasPrefix("0"), digits.count > 1 { digits.removeFirst(); n -= 1 }
    while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
    let k = digits.count
    var out: String
    if k <= n && n <= 21 {
      out = digits + String(repeating: "0", count: n - k)
    } else if 0 < n && n <= 21 {
      let idx = digits.index(digits.startIndex, offsetBy: n)
      out = digits[..<idx] + "." + digits[idx...]
    } else if -6 < n && n <= 0 {
      out = "0." + String(repeating: "0", count: -n) + digits
    } else {
      let e = n - 1
      let sign = e < 0 ? "-" : "+"
      if k == 1 {
        out = digits + "e" + sign + String(abs(e))
      } else {
        out = String(digits.first!) + "." + digits.dropFirst() + "e" + sign + String(abs(e))
      }
    }
    return negative ? "-" + out : out
  }

  /// `Number(n.toPrecision(15))`, which jsonata applies before turning numbers into text.
  static func precision15(_ d: Double) -> Double {
    guard d.isFinite, d != 0 else { return d }
    // An integer of up to 15 digits is its own 15-digit rounding.
    if d == d.rounded(), abs(d) < 1e15 { return d }
    return Double(String(format: "%.14e", d)) ?? d
  }
}

/// JSON text as JavaScript's `JSON.stringify` writes it (numbers at 15 significant digits, functions as "").
struct JSONWriter {
  var pretty: Bool

  func write(_ v: JV, _ out: inout String, indent: Int) throws {
    switch v {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let d):
      guard d.isFinite else { throw JSONataError(.d1001, "Number out of range: \(JV.format(d))") }
      out += JV.format(JV.precision15(d))
    case .string(let s): JSONWriter.quote(s, &out)
    case .function: out += "\"\""
    case .array(let a):
      var items = a.items
      if a.outerWrapper, a.count == 1, case .array(let inner) = a.items[0] { items = inner.items }
      if items.isEmpty { out += "[]"; return }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
        try write(item, &out, indent: indent + 1)
      }
      if pretty { out += "\n" + String(repeating: "  ", count: indent) }
      out += "]"
    case .object(let o):
      if o.isEmpty { out += "{}"; return }
      out += "{"
      for (i, (k, value)) in o.pairs.enumerated() {
        if i > 0 { out += "," }
        if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
        JSONWriter.quote(k, &out)
        out += pretty ? ": " : ":"
        try write(value, &out, indent: indent + 1)
      }
      if pretty { out += "\n" + String(repeating: "  ", count: indent) }
      out += "}"
    }
  }

  static func quote(_ s: String, _ out: inout String) {
    JSONValue.writeString(s, to: &out)
  }
}

extension Evaluator {
  /// JSONata truthiness (`$boolean`); `nil` for undefined.
  func boolean(_ v: JV?) -> Bool? {
    guard let v else { return nil }
    switch v {
    case .null: return false
    case .bool(let b): return b
    case .number(let d): return d != 0 && !d.isNaN
    case .string(let s): return !s.isEmpty
    case .object(let o): return !o.isEmpty
    case .function: return false
    case .array(let a):
      if a.count == 1 { return boolean(a.items[0]) ?? false }
      return a.items.contains { boolean($0) == true }
    }
  }

  /// Whether `v` is a number; a non-finite number is an error (D1001), as in jsonata-js.
  func isNumeric(_ v: JV) throws -> Bool {
    guard case .number(let d) = v else { return false }
    if d.isNaN { return false }
    if !d.isFinite { throw JSONataError(.d1001, "Number out of range: \(JV.format(d))") }
    return true
  }

  func isInteger(_ v: JV) -> Bool {
    if case .number(let d) = v { return d.isFinite && d == d.rounded() }
    return false
  }

  /// `$string`: strings as they are, everything else as JSON text.
  func stringify(_ v: JV, pretty: Bool = false) throws -> String {
    switch v {
    case .string(let s): return s
    case .function: return ""
    case .number(let d):
      if !d.isFinite { throw JSONataError(.d3001, "Attempting to invoke string function on Infinity or NaN") }
      return JV.format(JV.precision15(d))
    default:
      var out = ""
      var value = v
      if case .array(let a) = v, a.outerWrapper, let first = a.items.first { value = first }
      try JSONWriter(pretty: pretty).write(value, &out, indent: 0)
      return out
    }
  }

  /// A short rendering of a value for error messages.
  func describe(_ v: JV?) -> String {
    guard let v else { return "undefined" }
    var out = ""
    if (try? JSONWriter(pretty: false).write(v, &out, indent: 0)) == nil { return "<value>" }
    return out
  }

  /// Concatenates two values into one array (`$append`), ignoring undefined.
  func append(_ a: JV?, _ b: JV?) -> JV? {
    guard let a else { return b }
    guard let b else { return a }
    var items = a.asArray?.items ?? [a]
    if case .array(let bb) = b { items.append(contentsOf: bb.items) } else { items.append(b) }
    return .array(JArray(items))
  }

  /// JavaScript's `===`: primitives by value, arrays/objects/functions by identity.
  func strictEqual(_ a: JV, _ b: JV) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case let (.bool(x), .bool(y)): x == y
    case let (.number(x), .number(y)): x == y
    case let (.string(x), .string(y)): x == y
    case let (.array(x), .array(y)): x === y
    case let (.object(x), .object(y)): x === y
    case let (.function(x), .function(y)): x === y
    default: false
    }
  }
}

/// Compares strings by UTF-16 code units, as JavaScript's `<` does.
func compareJS(_ a: String, _ b: String) -> Int {
  var i = a.utf16.makeIterator(), j = b.utf16.makeIterator()
  while true {
    switch (i.next(), j.next()) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case let (x?, y?): if x != y { return x < y ? -1 : 1 }
    }
  }
}
