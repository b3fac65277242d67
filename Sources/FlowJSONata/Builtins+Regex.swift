import Foundation

extension Builtins {
  /// The successive matches of a regex (or of a custom matcher function) in `s`, up to `limit`.
  static func allMatches(_ ev: Evaluator, _ matcher: JV?, _ s: String, limit: Int?, ctx: CallContext) throws -> [Regex.Match] {
    var out: [Regex.Match] = []
    if let limit, limit <= 0 { return out }
    guard case .function(let f)? = matcher else { return out }
    if case .regex(let regex) = f.body {
      let length = (s as NSString).length
      guard var m = regex.firstMatch(in: s, from: 0) else { return out }
      out.append(m)
      while limit.map({ out.count < $0 }) ?? true {
        if m.end >= length { break }
        guard let next = regex.firstMatch(in: s, from: m.end) else { break }
        if next.match.isEmpty {
          throw JSONataError(.d1004, "Regular expression matches zero length string")
        }
        out.append(next)
        m = next
      }
      return out
    }
    // A custom matcher: a function returning {match, start, end, groups, next}.
    var result = try ev.apply(f, [.string(s)], input: nil, env: ctx.frame)
    while case .object(let o)? = result, limit.map({ out.count < $0 }) ?? true {
      guard case .string(let match)? = o["match"], case .number(let start)? = o["start"], case .number(let end)? = o["end"],
            case .array(let groups)? = o["groups"] else {
        throw JSONataError(.t1010, "The matcher function argument passed to function does not return the correct object structure")
      }
      out.append(Regex.Match(match: match, start: clampInt(start), end: clampInt(end), groups: groups.items.compactMap(\.asString)))
      guard case .function(let next)? = o["next"] else { break }
      result = try ev.apply(next, [], input: nil, env: ctx.frame)
    }
    if let r = result, r.asObject == nil, out.isEmpty {
      throw JSONataError(.t1010, "The matcher function argument passed to function does not return the correct object structure")
    }
    return out
  }

  static func limitArg(_ a: [JV?], _ i: Int, _ code: JSONataError.Code, _ message: String) throws -> Int? {
    guard let l = num(a, i) else { return nil }
    if l < 0 { throw JSONataError(code, message) }
    return Int(jsTrunc(l.rounded(.up)))
  }

  static func substring16(_ s: String, _ from: Int, _ to: Int) -> String {
    let ns = s as NSString
    let f = max(0, min(from, ns.length)), t = max(f, min(to, ns.length))
    return ns.substring(with: NSRange(location: f, length: t - f))
  }

  nonisolated(unsafe) static let regexFunctions: [JFunction] = [
    .native("match", "<s-f<s:o>n?:a<o>>") { ev, a, ctx in
      guard let s = str(a, 0) else { return nil }
      let limit = try limitArg(a, 2, .d3040, "Third argument of match function must evaluate to a positive number")
      let result = JArray.sequence()
      for m in try allMatches(ev, arg(a, 1), s, limit: limit, ctx: ctx) {
        result.items.append(.object(JObject([
          ("match", .string(m.match)), ("index", .number(Double(m.start))),
          ("groups", .array(JArray(m.groups.map { .string($0) }))),
        ])))
      }
      return .array(result)
    },
    .native("contains", "<s-(sf):b>") { ev, a, ctx in
      guard let s = str(a, 0) else { return nil }
      switch arg(a, 1) {
      case .string(let t)?: return .bool(t.isEmpty || s.contains(t))
      case let m?: return .bool(!(try allMatches(ev, m, s, limit: 1, ctx: ctx)).isEmpty)
      default: return nil
      }
    },
    .native("replace", "<s-(sf)(sf)n?:s>") { ev, a, ctx in
      guard let s = str(a, 0) else { return nil }
      if str(a, 1) == "" { throw JSONataError(.d3010, "Second argument of replace function cannot be an empty string") }
      let limit = try limitArg(a, 3, .d3011, "Fourth argument of replace function must evaluate to a positive number")
      if let l = limit, l == 0 { return .string(s) }
      if case .string(let pattern)? = arg(a, 1) {
        let replacement = str(a, 2) ?? ""
        var result = ""
        var count = 0
        var rest = s[...]
        while let r = rest.range(of: pattern), limit.map({ count < $0 }) ?? true {
          result += rest[..<r.lowerBound] + replacement
          rest = rest[r.upperBound...]
          count += 1
        }
        return .string(result + rest)
      }
      let matches = try allMatches(ev, arg(a, 1), s, limit: limit, ctx: ctx)
      if matches.isEmpty { return .string(s) }
      var result = ""
      var position = 0
      for m in matches {
        result += substring16(s, position, m.start)
        switch arg(a, 2) {
        case .string(let replacement)?:
          result += substitute(replacement, m)
        case .function(let f)?:
          let obj = JObject([("match", .string(m.match)), ("start", .number(Double(m.start))), ("end", .number(Double(m.end))),
                             ("groups", .array(JArray(m.groups.map { .string($0) })))])
          guard case .string(let r)? = try ev.apply(f, [.object(obj)], input: nil, env: ctx.frame) else {
            throw JSONataError(.d3012, "Attempted to replace a matched string with a non-string value")
          }
          result += r
        default: break
        }
        position = m.start + (m.match as NSString).length
      }
      return .string(result + substring16(s, position, Int.max))
    },
    .native("split", "<s-(sf)n?:a<s>>") { ev, a, ctx in
      guard let s = str(a, 0) else { return nil }
      let limit = try limitArg(a, 2, .d3020, "Third argument of split function must evaluate to a positive number")
      var result: [String] = []
      if let l = limit, l == 0 { return .array(JArray()) }
      if case .string(let sep)? = arg(a, 1) {
        if sep.isEmpty {
          result = s.unicodeScalars.map { String($0) }
        } else {
          result = s.components(separatedBy: sep)
        }
        if let l = limit, result.count > l { result = Array(result[..<l]) }
      } else {
        let matches = try allMatches(ev, arg(a, 1), s, limit: limit, ctx: ctx)
        var start = 0
        for m in matches {
          result.append(substring16(s, start, m.start))
          start = m.end
        }
        if limit.map({ matches.count < $0 }) ?? true { result.append(substring16(s, start, Int.max)) }
      }
      return .array(JArray(result.map { .string($0) }))
    },
  ]

  /// Expands `$0`, `$1`… and `$$` in a replacement string, as jsonata-js does.
  static func substitute(_ replacement: String, _ m: Regex.Match) -> String {
    let chars = Array(replacement)
    var out = ""
    var i = 0
    while i < chars.count {
      let c = chars[i]
      guard c == "$", i + 1 < chars.count else { out.append(c); i += 1; continue }
      let d = chars[i + 1]
      if d == "$" { out += "$"; i += 2; continue }
      if d == "0" { out += m.match; i += 2; continue }
      let maxDigits = m.groups.isEmpty ? 1 : Int(log10(Double(m.groups.count)).rounded(.down)) + 1
      var digits = String(chars[(i + 1)..<min(chars.count, i + 1 + maxDigits)].prefix { $0.isASCII && $0.isNumber })
      if var index = Int(digits) {
        if maxDigits > 1 && index > m.groups.count {
          digits = String(digits.dropLast())
          index = Int(digits) ?? 0
        }
        if !m.groups.isEmpty, index >= 1, index <= m.groups.count { out += m.groups[index - 1] }
        i += 1 + String(index).count
      } else {
        out += "$"
        i += 1
      }
    }
    return out
  }
}
