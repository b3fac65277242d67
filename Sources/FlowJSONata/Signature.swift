import Foundation

/// A function signature such as `<s-nn?:s>`: validates (and completes) the arguments of a call.
struct Signature {
  struct Param {
    var regex = ""
    var type = ""
    var context = false
    var contextRegex: NSRegularExpression?
    var subtype: String?
  }
  let params: [Param]
  let regex: NSRegularExpression
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
          prev.contextRegex = try? NSRegularExpression(pattern: "^" + prev.regex)
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
    let pattern = "^" + params.map { "(\($0.regex))" }.joined() + "$"
    regex = try! NSRegularExpression(pattern: pattern)
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
  func validate(_ args: [JV?], context: JV?, name: String) throws -> [JV?] {
    let supplied = String(args.map(Signature.symbol))
    let ns = supplied as NSString
    guard let match = regex.firstMatch(in: supplied, range: NSRange(location: 0, length: ns.length)) else {
      throw validationError(args, supplied, name: name)
    }
    var validated: [JV?] = []
    var argIndex = 0
    for (index, param) in params.enumerated() {
      let r = match.range(at: index + 1)
      let m = r.location == NSNotFound ? "" : ns.substring(with: r)
      if m.isEmpty {
        if param.context, let cr = param.contextRegex {
          let ct = String(Signature.symbol(context))
          if cr.firstMatch(in: ct, range: NSRange(location: 0, length: 1)) != nil {
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
