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
  /// Each parameter as the symbols it accepts and its quantifier (`?`, `+` or none), for matching.
  let shapes: [(set: Set<Character>, quantifier: Character?)]
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
      return (r.hasPrefix("[") ? Set(r.dropFirst().dropLast()) : Set(r), q)
    }
  }

  static func symbol(_ v: JV?) -> Character {
    switch v {
    case nil: "m"
    case .function?: "f"
    case .string?: "s"
    case .number?: "n"
    case .bool?: "b"
    case .null?: "l"
    case .array?: "a"
    case .object?: "o"
    }
  }

  /// Checks `args` against the signature; returns them with context values filled in and singletons wrapped as arrays.
  /// Matches the argument symbols against the parameters the way the signature's regex would (greedy, with
  /// backtracking), without running a regex on every call: how many symbols each parameter takes.
  private func matchCounts(_ symbols: [Character]) -> [Int]? {
    var counts = [Int](repeating: 0, count: params.count)
    func match(_ p: Int, _ i: Int) -> Bool {
      if p == shapes.count { return i == symbols.count }
      let shape = shapes[p]
      var maxTake = 0
      while i + maxTake < symbols.count, shape.set.contains(symbols[i + maxTake]) {
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

  func validate(_ args: [JV?], context: JV?, name: String) throws -> [JV?] {
    let symbols = args.map(Signature.symbol)
    guard let counts = matchCounts(symbols) else {
      throw validationError(args, String(symbols), name: name)
    }
    var validated: [JV?] = []
    var argIndex = 0
    var symbolIndex = 0
    for (index, param) in params.enumerated() {
      let m = String(symbols[symbolIndex..<(symbolIndex + counts[index])])
      symbolIndex += counts[index]
      if m.isEmpty {
        if param.context {
          let contextSymbol = Signature.symbol(context)
          let base = param.regex.dropLast()   // without the "?" that "-" added
          let accepts = base.hasPrefix("[") ? base.dropFirst().dropLast().contains(contextSymbol) : base.contains(contextSymbol)
          if accepts {
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
      for single in m {
        let arg = argIndex < args.count ? args[argIndex] : nil
        if param.type == "a" {
          if single == "m" {
            validated.append(nil)
          } else {
            var ok = true
            if let sub = param.subtype {
              if single != "a" && m != sub {
                ok = false
              } else if single == "a", case .array(let arr)? = arg, let first = arr.items.first {
                let itemType = Signature.symbol(first)
                if itemType != sub.first {
                  ok = false
                } else {
                  ok = arr.items.allSatisfy { Signature.symbol($0) == itemType }
                }
              }
            }
            if !ok {
              let typeName = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"][param.subtype ?? ""] ?? "values"
              throw JSONataError(.t0412, "Argument \(argIndex + 1) of function \(name) must be an array of \(typeName)", token: name)
            }
            if single != "a", let arg { validated.append(.array(JArray([arg]))) } else { validated.append(arg) }
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
