import Foundation

/// A function signature such as `<s-nn?:s>`: validates (and completes) the arguments of a call.
struct Signature {
  struct Param {
    var regex = ""
    var type = ""
    var context = false
    var subtype: String?
  }
  let params: [Param]
  /// Each parameter as the symbols it accepts (a ``symbolMask``) and its quantifier (`?`, `+` or none), for matching.
  let shapes: [(mask: UInt32, quantifier: Character?)]
  /// Whether some parameter is `+` (takes several arguments), which the quick match of ``matchCounts(_:)`` leaves out.
  let hasRepeatedParameter: Bool
  /// How many leading parameters are not optional: those after them are all `?`.
  let leadingRequired: Int
  let text: String

  init(_ signature: String, position: Int = 0) throws(JSONataError) {
    text = signature
    let chars = Array(signature)
    var params: [Param] = []
    var param = Param()
    var position = 1
    func findClosing(_ start: Int, _ open: Character, _ close: Character) -> Int {
      var depth = 1
      var p = start
      while p < chars.count - 1 {
        p += 1
        if chars[p] == open { depth += 1 } else if chars[p] == close { depth -= 1; if depth == 0 { break } }
      }
      return p
    }
    while position < chars.count {
      let symbol = chars[position]
      if symbol == ":" { break }
      switch symbol {
      case "s", "n", "b", "l", "o":
        param.regex = "[\(symbol)m]"; param.type = String(symbol); params.append(param); param = Param()
      case "a":
        param.regex = "[asnblfom]"; param.type = "a"; params.append(param); param = Param()
      case "f":
        param.regex = "f"; param.type = "f"; params.append(param); param = Param()
      case "j":
        param.regex = "[asnblom]"; param.type = "j"; params.append(param); param = Param()
      case "x":
        param.regex = "[asnblfom]"; param.type = "x"; params.append(param); param = Param()
      case "-":
        if var prev = params.popLast() {
          prev.context = true
          prev.regex += "?"
          params.append(prev)
        }
      case "?", "+":
        if var prev = params.popLast() { prev.regex += String(symbol); params.append(prev) }
      case "(":
        let end = findClosing(position, "(", ")")
        let choice = String(chars[(position + 1)..<end])
        if choice.contains("<") {
          throw JSONataError(.s0402, "Choice groups containing parameterized types are not supported", position: position + position)
        }
        param.regex = "[\(choice)m]"
        param.type = "(\(choice))"
        position = end
        params.append(param); param = Param()
      case "<":
        guard var prev = params.popLast(), prev.type == "a" || prev.type == "f" else {
          throw JSONataError(.s0401, "Type parameters can only be applied to functions and arrays", position: position)
        }
        let end = findClosing(position, "<", ">")
        prev.subtype = String(chars[(position + 1)..<end])
        position = end
        params.append(prev)
      default: break
      }
      position += 1
    }
    self.params = params
    shapes = params.map { p in
      var r = p.regex
      var q: Character?
      if let last = r.last, last == "?" || last == "+" { q = last; r.removeLast() }
      let symbols = r.hasPrefix("[") ? String(r.dropFirst().dropLast()) : r
      return (symbols.reduce(0) { $0 | Signature.symbolMask($1) }, q)
    }
    hasRepeatedParameter = shapes.contains { $0.quantifier == "+" }
    leadingRequired = (shapes.lastIndex { $0.quantifier != "?" } ?? -1) + 1
  }

  /// A symbol (a lowercase letter) as one bit, so that a set of symbols is a mask.
  static func symbolMask(_ symbol: Character) -> UInt32 {
    guard let ascii = symbol.asciiValue, ascii >= 97, ascii <= 122 else { return 0 }
    return 1 << UInt32(ascii - 97)
  }

  /// The symbol of a value's type as an ASCII letter: `m` (missing, undefined), `f`, `s`, `n`, `b`, `l` (null), `a`, `o`.
  static func code(_ v: JV?) -> UInt8 {
    switch v {
    case nil: UInt8(ascii: "m")
    case .function?: UInt8(ascii: "f")
    case .string?: UInt8(ascii: "s")
    case .number?: UInt8(ascii: "n")
    case .bool?: UInt8(ascii: "b")
    case .null?: UInt8(ascii: "l")
    case .array?: UInt8(ascii: "a")
    case .object?: UInt8(ascii: "o")
    }
  }

  static func symbol(_ v: JV?) -> Character { Character(Unicode.Scalar(code(v))) }

  /// The symbol of a value's type as one bit of a mask (see ``symbolMask(_:)``).
  static func mask(_ v: JV?) -> UInt32 { 1 << UInt32(code(v) - 97) }

  /// How many arguments each parameter takes, matching the argument symbols against the parameters the way the
  /// signature's regex would (greedy, with backtracking) without running a regex on every call; `nil` when they do
  /// not match.
  private func matchCounts(_ args: [JV?]) -> [Int]? {
    // The usual call: one argument for each of the first parameters, none for the optional rest. With no `+`
    // parameter that is the first assignment the greedy search tries, so when it fits it is the answer.
    if !hasRepeatedParameter, args.count >= leadingRequired, args.count <= shapes.count,
       args.indices.allSatisfy({ shapes[$0].mask & Signature.mask(args[$0]) != 0 }) {
      return shapes.indices.map { $0 < args.count ? 1 : 0 }
    }
    let masks = args.map(Signature.mask)
    var counts = [Int](repeating: 0, count: params.count)
    func match(_ p: Int, _ i: Int) -> Bool {
      if p == shapes.count { return i == masks.count }
      let shape = shapes[p]
      var maxTake = 0
      while i + maxTake < masks.count, shape.mask & masks[i + maxTake] != 0 {
        maxTake += 1
        if shape.quantifier != "+" { break }
      }
      let minTake = shape.quantifier == nil || shape.quantifier == "+" ? 1 : 0
      if maxTake < minTake { return false }
      var take = maxTake
      while take >= minTake {
        counts[p] = take
        if match(p + 1, i + take) { return true }
        take -= 1
      }
      return false
    }
    return match(0, 0) ? counts : nil
  }

  /// Checks `args` against the signature; returns them with context values filled in and singletons wrapped as arrays.
  func validate(_ args: [JV?], context: JV?, name: String) throws -> [JV?] {
    guard let counts = matchCounts(args) else {
      throw validationError(args, String(args.map(Signature.symbol)), name: name)
    }
    var validated: [JV?] = []
    validated.reserveCapacity(params.count)
    var argIndex = 0
    var symbolIndex = 0
    for (index, param) in params.enumerated() {
      let count = counts[index]
      defer { symbolIndex += count }
      if count == 0 {
        if param.context {
          if shapes[index].mask & Signature.mask(context) != 0 {
            validated.append(context)
          } else {
            throw JSONataError(.t0411, "Context value is not a compatible type with argument \(argIndex + 1) of function \(name)",
                               token: name)
          }
        } else {
          validated.append(argIndex < args.count ? args[argIndex] : nil)
          argIndex += 1
        }
        continue
      }
      // The symbols this parameter took, as the regex's match would give them.
      let matched = symbolIndex..<(symbolIndex + count)
      for single in matched.lazy.map({ Signature.code(args[$0]) }) {
        let arg = argIndex < args.count ? args[argIndex] : nil
        if param.type == "a" {
          if single == UInt8(ascii: "m") {
            validated.append(nil)
          } else {
            var ok = true
            if let sub = param.subtype {
              if single != UInt8(ascii: "a") && String(matched.map { Signature.symbol(args[$0]) }) != sub {
                ok = false
              } else if single == UInt8(ascii: "a"), case .array(let arr)? = arg, let first = arr.items.first {
                let itemType = Signature.code(first)
                if itemType != sub.utf8.first {
                  ok = false
                } else {
                  ok = arr.items.allSatisfy { Signature.code($0) == itemType }
                }
              }
            }
            if !ok {
              let typeName = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"][param.subtype ?? ""] ?? "values"
              throw JSONataError(.t0412, "Argument \(argIndex + 1) of function \(name) must be an array of \(typeName)", token: name)
            }
            if single != UInt8(ascii: "a"), let arg { validated.append(.array(JArray([arg]))) } else { validated.append(arg) }
          }
        } else {
          validated.append(arg)
        }
        argIndex += 1
      }
    }
    return validated
  }

  private func validationError(_ args: [JV?], _ supplied: String, name: String) -> JSONataError {
    var partial = "^"
    var goodTo = 0
    let ns = supplied as NSString
    for param in params {
      partial += param.regex
      guard let re = try? NSRegularExpression(pattern: partial),
            let m = re.firstMatch(in: supplied, range: NSRange(location: 0, length: ns.length)) else {
        return JSONataError(.t0410, "Argument \(goodTo + 1) of function \(name) does not match function signature", token: name)
      }
      goodTo = m.range.length
    }
    return JSONataError(.t0410, "Argument \(goodTo + 1) of function \(name) does not match function signature", token: name)
  }
}
