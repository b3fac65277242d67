import Foundation

/// Evaluates a post-processed syntax tree, following jsonata-js's evaluator.
final class Evaluator {
  let environment: JSONataEnvironment
  let timestamp: Double
  /// How deeply evaluations are nested now, and how many steps were taken so far: updated on every step, without
  /// run-time exclusivity checks (as `JArray.items`).
  @exclusivity(unchecked) private var depth = 0
  @exclusivity(unchecked) private var steps = 0
  let maxSteps: Int
  let maxDepth: Int
  let staticFrame: Frame
  /// Measured only when an evaluation nests deeply: measuring costs a system call or two, and shallow nesting
  /// cannot exhaust any thread's stack.
  lazy var stack = StackGuard()
  let random: JSONataRandom

  init(environment: JSONataEnvironment, staticFrame: Frame) {
    self.environment = environment
    self.timestamp = environment.clock()
    self.maxDepth = environment.maxDepth
    self.maxSteps = environment.maxSteps ?? Int.max
    self.staticFrame = staticFrame
    self.random = environment.random
  }

  func evaluate(_ expr: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    depth += 1
    defer { depth -= 1 }
    if depth > maxDepth || (depth > 32 && !stack.hasRoom()) {
      throw JSONataError(.u1001, "Stack overflow error: the evaluation is nested more than \(maxDepth) levels deep (infinite recursion?)",
                         position: expr.position)
    }
    steps += 1
    if steps > maxSteps {
      throw JSONataError(.u1001, "The evaluation took more than \(maxSteps) steps (an endless loop?)", position: expr.position)
    }
    var result: JV?
    switch expr.kind {
    case .path: result = try evaluatePath(expr, input, env)
    case .binary: result = try evaluateBinary(expr, input, env)
    case .unary: result = try evaluateUnary(expr, input, env)
    case .name: result = lookup(input, expr.value)
    case .string, .number, .value: result = expr.literal
    case .wildcard: result = evaluateWildcard(input)
    case .descendant: result = evaluateDescendants(input)
    case .parent: result = env.lookup(expr.slot!.label)
    case .condition:
      if boolean(try evaluate(expr.condition!, input, env)) == true {
        result = try evaluate(expr.then!, input, env)
      } else if let e = expr.otherwise {
        result = try evaluate(e, input, env)
      }
    case .coalesce:
      let c = try evaluate(expr.condition!, input, env)
      result = c == nil ? try evaluate(expr.otherwise!, input, env) : c
    case .elvis:
      let c = try evaluate(expr.condition!, input, env)
      result = boolean(c) == true ? c : try evaluate(expr.otherwise!, input, env)
    case .block:
      let frame = Frame(env)
      for e in expr.expressions { result = try evaluate(e, input, frame) }
    case .bind:
      result = try evaluate(expr.rhs!, input, env)
      env.bind(expr.lhs!.value, result)
    case .regex:
      result = .function(JFunction(.regex(Regex(re: expr.regex!, source: expr.value))))
    case .function: result = try evaluateFunction(expr, input, env, applyTo: nil)
    case .variable:
      if expr.value.isEmpty {
        if case .array(let a)? = input, a.outerWrapper { result = a.items.first } else { result = input }
      } else {
        result = env.lookup(expr.value)
      }
    case .lambda: result = evaluateLambda(expr, input, env)
    case .partial: result = try evaluatePartial(expr, input, env)
    case .apply: result = try evaluateApply(expr, input, env)
    case .transform: result = evaluateTransform(expr, env)
    case .sort, .placeholder, .end:
      throw JSONataError(.s0206, "Unknown expression type", position: expr.position)
    }
    if let predicates = expr.predicate {
      for case .filter(let p, _) in predicates { result = try evaluateFilter(p, result, env) }
    }
    if expr.kind != .path, let g = expr.group {
      result = try evaluateGroup(g.pairs, position: g.position, result, env)
    }
    if case .array(let a)? = result, a.isSequence, !a.tupleStream {
      if expr.keepArray { a.keepSingleton = true }
      if a.count == 0 { result = nil } else if a.count == 1, !a.keepSingleton { result = a.items[0] }
    }
    return result
  }

  // MARK: operators

  func evaluateBinary(_ expr: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    let lhs = try evaluate(expr.lhs!, input, env)
    let op = expr.value
    func fail(_ code: JSONataError.Code, _ message: String) -> JSONataError {
      JSONataError(code, message, position: expr.position, token: op)
    }
    guard let binary = expr.binaryOperator else { throw fail(.s0204, "Unknown operator: \(op)") }
    switch binary {
    case .and:
      return .bool(boolean(lhs) ?? false ? (boolean(try evaluate(expr.rhs!, input, env)) ?? false) : false)
    case .or:
      return .bool(boolean(lhs) ?? false ? true : (boolean(try evaluate(expr.rhs!, input, env)) ?? false))
    default: break
    }
    let rhs = try evaluate(expr.rhs!, input, env)
    switch binary {
    case .add, .subtract, .multiply, .divide, .modulo:
      if let lhs, try !isNumeric(lhs) { throw fail(.t2001, "The left side of the \(op) operator must evaluate to a number") }
      if let rhs, try !isNumeric(rhs) { throw fail(.t2002, "The right side of the \(op) operator must evaluate to a number") }
      guard case .number(let l)? = lhs, case .number(let r)? = rhs else { return nil }
      let v: Double
      switch binary {
      case .add: v = l + r
      case .subtract: v = l - r
      case .multiply: v = l * r
      case .divide: v = l / r
      default: v = l.truncatingRemainder(dividingBy: r)
      }
      return .number(v)
    case .equal, .notEqual:
      guard lhs != nil, rhs != nil else { return .bool(false) }
      let eq = deepEqual(lhs, rhs)
      return .bool(binary == .equal ? eq : !eq)
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      func comparable(_ v: JV?) -> Bool {
        switch v { case nil, .string?, .number?: true; default: false }
      }
      if !comparable(lhs) || !comparable(rhs) {
        throw fail(.t2010, "The expressions either side of operator \(op) must evaluate to numeric or string values")
      }
      guard let lhs, let rhs else { return nil }
      func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch binary {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        default: a >= b
        }
      }
      switch (lhs, rhs) {
      case let (.number(a), .number(b)): return .bool(holds(a, b))
      case let (.string(a), .string(b)): return .bool(holds(compareJS(a, b), 0))
      default:
        throw fail(.t2009, "The values either side of operator \(op) must be of the same data type")
      }
    case .concatenate:
      let l = try lhs.map { try stringify($0) } ?? ""
      let r = try rhs.map { try stringify($0) } ?? ""
      return .string(l + r)
    case .range:
      if let lhs, !isInteger(lhs) { throw fail(.t2003, "The left side of the range operator (..) must evaluate to an integer") }
      if let rhs, !isInteger(rhs) { throw fail(.t2004, "The right side of the range operator (..) must evaluate to an integer") }
      guard case .number(let a)? = lhs, case .number(let b)? = rhs, a <= b else { return nil }
      let size = b - a + 1
      if size > 1e7 {
        throw fail(.d2014, "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate \(JV.format(size)).")
      }
      let start = clampInt(a), end = clampInt(b)
      return .array(JArray.sequence((start...end).map { .number(Double($0)) }))
    case .membership:
      guard let lhs, let rhs else { return .bool(false) }
      let items = rhs.asArray?.items ?? [rhs]
      return .bool(items.contains { strictEqual($0, lhs) })
    case .and, .or:
      preconditionFailure("handled before the right side is evaluated")
    }
  }

  func evaluateUnary(_ expr: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    switch expr.value {
    case "-":
      let v = try evaluate(expr.expression!, input, env)
      guard let v else { return nil }
      if case .number(let d) = v, try isNumeric(v) { return .number(-d) }
      throw JSONataError(.d1002, "Cannot negate a non-numeric value: \(describe(v))", position: expr.position, token: "-")
    case "[":
      var result = JArray()
      for item in expr.expressions {
        guard let value = try evaluate(item, input, env) else { continue }
        if item.kind == .unary && item.value == "[" {
          result.items.append(value)
        } else {
          result = append(.array(result), value)!.asArray!
        }
      }
      if expr.consarray { result.cons = true }
      return .array(result)
    case "{":
      return try evaluateGroup(expr.pairs, position: expr.position, input, env)
    default:
      throw JSONataError(.s0206, "Unknown expression type", position: expr.position)
    }
  }

  func evaluateGroup(_ pairs: [(Node, Node)], position: Int, _ input: JV?, _ env: Frame) throws -> JV? {
    let result = JObject()
    var groups: [String: (data: JV?, index: Int)] = [:]
    var order: [String] = []
    let reduce = input?.asArray?.tupleStream ?? false
    var items: [JV?]
    if case .array(let a)? = input { items = a.items } else { items = input.map { [$0] } ?? [] }
    if items.isEmpty { items = [nil] }
    for item in items {
      let tuple = reduce ? item?.asObject : nil
      let itemEnv = tuple.map { frame(from: $0, env) } ?? env
      for (pairIndex, pair) in pairs.enumerated() {
        let key = try evaluate(pair.0, reduce ? tuple?["@"] : item, itemEnv)
        guard let key else { continue }
        guard case .string(let k) = key else {
          throw JSONataError(.t1003, "Key in object structure must evaluate to a string; got: \(describe(key))", position: position)
        }
        if let existing = groups[k] {
          if existing.index != pairIndex {
            throw JSONataError(.d1009, "Multiple key definitions evaluate to same key: \"\(k)\"", position: position)
          }
          groups[k] = (append(existing.data, item), pairIndex)
        } else {
          groups[k] = (item, pairIndex)
          order.append(k)
        }
      }
    }
    for key in order {
      let entry = groups[key]!
      var context = entry.data
      var groupEnv = env
      if reduce {
        let tuple = reduceTupleStream(entry.data)
        context = tuple["@"]
        tuple["@"] = nil
        groupEnv = frame(from: tuple, env)
      }
      if let value = try evaluate(pairs[entry.index].1, context, groupEnv) { result[key] = value }
    }
    return .object(result)
  }

  func reduceTupleStream(_ stream: JV?) -> JObject {
    guard case .array(let a)? = stream else { return stream?.asObject?.copy() ?? JObject() }
    let result = a.items.first?.asObject?.copy() ?? JObject()
    for item in a.items.dropFirst() {
      guard let t = item.asObject else { continue }
      for (k, v) in t.pairs { result[k] = append(result[k], v) }
    }
    return result
  }

  func frame(from tuple: JObject, _ env: Frame) -> Frame {
    let f = Frame(env)
    for (k, v) in tuple.pairs { f.bind(k, v) }
    return f
  }

  func evaluateLambda(_ expr: Node, _ input: JV?, _ env: Frame) -> JV {
    let f = JFunction(.lambda(node: expr, input: input, frame: env, params: expr.arguments.map(\.value)), signature: expr.signature)
    f.thunk = expr.thunk
    return .function(f)
  }

  func evaluateTransform(_ expr: Node, _ env: Frame) -> JV {
    let f = JFunction.native("transform", "<(oa):o>") { ev, args, _ in
      guard let obj = args.first ?? nil else { return nil }
      let clone = env.lookup("clone")
      guard case .function(let cloneFn)? = clone else {
        throw JSONataError(.t2013, "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.", position: expr.position)
      }
      let result = try ev.apply(cloneFn, [obj], input: nil, env: env)
      guard let matchesValue = try ev.evaluate(expr.pattern!, result, env) else { return result }
      let matches = matchesValue.asArray?.items ?? [matchesValue]
      for match in matches {
        let update = try ev.evaluate(expr.update!, match, env)
        if let update {
          guard case .object(let u) = update else {
            throw JSONataError(.t2011, "The insert/update clause of the transform expression must evaluate to an object: \(ev.describe(update))",
                               position: expr.update!.position)
          }
          if case .object(let m) = match { for (k, v) in u.pairs { m[k] = v } }
        }
        if let del = expr.delete, let deletions = try ev.evaluate(del, match, env) {
          let list = deletions.asArray?.items ?? [deletions]
          guard list.allSatisfy({ $0.asString != nil }) else {
            throw JSONataError(.t2012, "The delete clause of the transform expression must evaluate to a string or array of strings: \(ev.describe(deletions))",
                               position: del.position)
          }
          if case .object(let m) = match { for case .string(let k) in list { m[k] = nil } }
        }
      }
      return result
    }
    return .function(f)
  }
}
