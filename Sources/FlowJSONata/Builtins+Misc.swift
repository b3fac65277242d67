import Foundation

extension Builtins {
  nonisolated(unsafe) static let misc: [JFunction] = [
    .native("boolean", "<x-:b>") { ev, a, _ in ev.boolean(arg(a, 0)).map { .bool($0) } },
    .native("not", "<x-:b>") { ev, a, _ in ev.boolean(arg(a, 0)).map { .bool(!$0) } },
    .native("exists", "<x:b>") { _, a, _ in .bool(arg(a, 0) != nil) },
    .native("error", "<s?:x>") { _, a, _ in
      throw JSONataError(.d3137, str(a, 0) ?? "$error() function evaluated")
    },
    .native("assert", "<bs?:x>") { _, a, _ in
      if case .bool(true)? = arg(a, 0) { return nil }
      throw JSONataError(.d3141, str(a, 1) ?? "$assert() statement failed")
    },
    .native("eval", "<sx?:x>") { ev, a, ctx in
      guard let source = str(a, 0) else { return nil }
      if !ev.environment.allowsEval {
        throw JSONataError(.t1006, "Attempted to invoke a non-function: $eval is not available")
      }
      var input = ctx.input
      if let focus = arg(a, 1) {
        input = focus
        if case .array(let arr) = focus, !arr.isSequence {
          let w = JArray.sequence([focus])
          w.outerWrapper = true
          input = .array(w)
        }
      }
      let ast: Node
      do { ast = try Parser.parse(source) } catch let error as JSONataError {
        throw JSONataError(.d3120, "Syntax error in expression passed to function eval: \(error.message)")
      }
      do { return try ev.evaluate(ast, input, ctx.frame) } catch let error as JSONataError {
        throw JSONataError(.d3121, "Dynamic error evaluating the expression passed to function eval: \(error.message)")
      }
    },
    .native("millis", "<:n>") { ev, _, _ in .number(ev.timestamp) },
    .native("now", "<s?s?:s>") { ev, a, _ in
      .string(try DateTimeFormat.format(millis: ev.timestamp, picture: str(a, 0), timezone: str(a, 1)))
    },
    .native("fromMillis", "<n-s?s?:s>") { _, a, _ in
      guard let ms = num(a, 0) else { return nil }
      return .string(try DateTimeFormat.format(millis: ms, picture: str(a, 1), timezone: str(a, 2)))
    },
    .native("toMillis", "<s-s?:n>") { ev, a, _ in
      guard let s = str(a, 0) else { return nil }
      return try DateTimeFormat.parse(s, picture: str(a, 1), now: ev.timestamp).map { .number($0) }
    },
  ]

  nonisolated(unsafe) static let formatting: [JFunction] = [
    .native("formatBase", "<n-n?:s>") { _, a, _ in
      guard let d = num(a, 0) else { return nil }
      let radix = clampInt(roundHalfEven(num(a, 1) ?? 10, 0))
      if radix < 2 || radix > 36 {
        throw JSONataError(.d3100, "The radix of the formatBase function must be between 2 and 36.  It was given \(radix)")
      }
      let v = roundHalfEven(d, 0)
      let magnitude = abs(v) < 9e18 ? String(Int64(abs(v)), radix: radix) : JV.format(abs(v))
      return .string(v < 0 ? "-" + magnitude : magnitude)
    },
    .native("formatNumber", "<n-so?:s>") { ev, a, _ in
      guard let d = num(a, 0) else { return nil }
      return .string(try NumberFormat.format(d, picture: str(a, 1) ?? "", options: arg(a, 2)?.asObject))
    },
    .native("formatInteger", "<n-s:s>") { _, a, _ in
      guard let d = num(a, 0) else { return nil }
      return .string(try IntegerFormat.format(d, picture: str(a, 1) ?? ""))
    },
    .native("parseInteger", "<s-s:n>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      return try IntegerFormat.parse(s, picture: str(a, 1) ?? "").map { .number($0) }
    },
  ]
}
