import Foundation

/// The built-in function library, bound once in a frame that every evaluation's scope falls through to.
enum Builtins {
  // Written once when first used and only read afterwards; frames and native closures hold no mutable state.
  nonisolated(unsafe) static let frame: Frame = {
    let f = Frame(nil)
    for fn in aggregate + strings + regexFunctions + numeric + arrays + objects + higherOrder + misc + formatting {
      f.bind(fn.name, .function(fn))
    }
    return f
  }()

  static func arg(_ args: [JV?], _ i: Int) -> JV? { i < args.count ? args[i] : nil }
  static func str(_ args: [JV?], _ i: Int) -> String? { arg(args, i)?.asString }
  static func num(_ args: [JV?], _ i: Int) -> Double? { arg(args, i)?.asNumber }

  static func numbers(_ v: JV?) -> [Double]? {
    guard let v else { return nil }
    return (v.asArray?.items ?? [v]).compactMap(\.asNumber)
  }

  nonisolated(unsafe) static let aggregate: [JFunction] = [
    .native("sum", "<a<n>:n>") { _, a, _ in numbers(arg(a, 0)).map { .number($0.reduce(0, +)) } },
    .native("count", "<a:n>") { _, a, _ in
      guard let v = arg(a, 0) else { return .number(0) }
      return .number(Double(v.asArray?.count ?? 1))
    },
    .native("max", "<a<n>:n>") { _, a, _ in numbers(arg(a, 0))?.max().map { .number($0) } },
    .native("min", "<a<n>:n>") { _, a, _ in numbers(arg(a, 0))?.min().map { .number($0) } },
    .native("average", "<a<n>:n>") { _, a, _ in
      guard let n = numbers(arg(a, 0)), !n.isEmpty else { return nil }
      return .number(n.reduce(0, +) / Double(n.count))
    },
  ]

  nonisolated(unsafe) static let numeric: [JFunction] = [
    .native("number", "<(nsb)-:n>") { _, a, _ in
      guard let v = arg(a, 0) else { return nil }
      switch v {
      case .number: return v
      case .bool(let b): return .number(b ? 1 : 0)
      case .string(let s):
        if let d = parseJSNumber(s) { return .number(d) }
        throw JSONataError(.d3030, "Unable to cast value to a number: \"\(s)\"")
      default:
        throw JSONataError(.d3030, "Unable to cast value to a number")
      }
    },
    .native("floor", "<n-:n>") { _, a, _ in num(a, 0).map { .number(($0).rounded(.down)) } },
    .native("ceil", "<n-:n>") { _, a, _ in num(a, 0).map { .number(($0).rounded(.up)) } },
    .native("abs", "<n-:n>") { _, a, _ in num(a, 0).map { .number(abs($0)) } },
    .native("sqrt", "<n-:n>") { _, a, _ in
      guard let d = num(a, 0) else { return nil }
      if d < 0 { throw JSONataError(.d3060, "The sqrt function cannot be applied to a negative number: \(JV.format(d))") }
      return .number(d.squareRoot())
    },
    .native("power", "<n-n:n>") { _, a, _ in
      guard let b = num(a, 0), let e = num(a, 1) else { return nil }
      let r = pow(b, e)
      if !r.isFinite {
        throw JSONataError(.d3061, "The power function has resulted in a value that cannot be represented as a JSON number: base=\(JV.format(b)), exponent=\(JV.format(e))")
      }
      return .number(r)
    },
    .native("round", "<n-n?:n>") { _, a, _ in
      guard let d = num(a, 0) else { return nil }
      return .number(roundHalfEven(d, max(-400, min(400, clampInt(num(a, 1) ?? 0)))))
    },
    .native("random", "<:n>") { ev, _, _ in .number(ev.random.next()) },
  ]

  static func roundHalfEven(_ value: Double, _ precision: Int) -> Double {
    func shift(_ x: Double, _ by: Int) -> Double {
      // Shift the decimal point through the text form, as jsonata does, to avoid binary scaling error.
      let s = JV.format(x)
      let parts = s.split(separator: "e", maxSplits: 1)
      let exp = (parts.count > 1 ? Int(parts[1]) ?? 0 : 0) + by
      return Double("\(parts[0])e\(exp)") ?? x
    }
    var arg = value
    if precision != 0 { arg = shift(arg, precision) }
    var result = (arg + 0.5).rounded(.down)
    let diff = result - arg
    if abs(diff) == 0.5 && abs(result.truncatingRemainder(dividingBy: 2)) == 1 { result -= 1 }
    if precision != 0 { result = shift(result, -precision) }
    if result == 0 { result = 0 }
    return result
  }

  /// `$number` on a string: JSON-style decimals, or 0x/0o/0b integers.
  static func parseJSNumber(_ s: String) -> Double? {
    let decimal = try! NSRegularExpression(pattern: "^-?[0-9]+(\\.[0-9]+)?([Ee][-+]?[0-9]+)?$")
    let ns = s as NSString
    if decimal.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) != nil, let d = Double(s), d.isFinite { return d }
    let lower = s.lowercased()
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
      if let v = UInt64(lower.dropFirst(2), radix: radix) { return Double(v) }
    }
    return nil
  }
}
