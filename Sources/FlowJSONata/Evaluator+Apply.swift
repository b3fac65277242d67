// Function calls: evaluation of arguments, signature validation, lambdas, partial application,
// the `~>` operator, and the trampoline that runs tail calls without growing the stack.

extension Evaluator {
  private func procedureName(_ node: Node) -> String {
    node.kind == .path ? (node.steps.first?.value ?? "") : node.value
  }

  func evaluateFunction(_ expr: Node, _ input: JV?, _ env: Frame, applyTo context: JV??) throws -> JV? {
    let procNode = expr.procedure!
    let proc = try evaluate(procNode, input, env)
    if proc == nil, procNode.kind == .path, let first = procNode.steps.first, env.lookup(first.value) != nil {
      throw JSONataError(.t1005, "Attempted to invoke a non-function. Did you mean $\(first.value)?", position: expr.position, token: first.value)
    }
    var args: [JV?] = []
    args.reserveCapacity(expr.arguments.count + 1)
    if let context { args.append(context) }
    for a in expr.arguments { args.append(try evaluate(a, input, env)) }
    let name = procedureName(procNode)
    do {
      guard case .function(let f)? = proc else {
        throw JSONataError(.t1006, "Attempted to invoke a non-function", position: expr.position, token: name)
      }
      return try apply(f, args, input: input, env: env, name: name)
    } catch var error as JSONataError {
      if error.position == nil { error.position = expr.position }
      if error.token == nil { error.token = name }
      throw error
    }
  }

  /// Applies a function, running any tail calls it returns (thunks) in a loop.
  func apply(_ f: JFunction, _ args: [JV?], input: JV?, env: Frame, name: String? = nil) throws -> JV? {
    var result = try applyInner(f, args, input: input, env: env, name: name)
    while case .function(let thunk)? = result, thunk.thunk,
          case .lambda(let node, let thunkInput, let thunkFrame, _) = thunk.body {
      let call = node.body!
      let next = try evaluate(call.procedure!, thunkInput, thunkFrame)
      var evaluated: [JV?] = []
      for a in call.arguments { evaluated.append(try evaluate(a, thunkInput, thunkFrame)) }
      guard case .function(let nf)? = next else {
        throw JSONataError(.t1006, "Attempted to invoke a non-function", position: call.position, token: procedureName(call.procedure!))
      }
      do {
        result = try applyInner(nf, evaluated, input: input, env: env, name: procedureName(call.procedure!))
      } catch var error as JSONataError {
        if error.position == nil { error.position = call.position }
        throw error
      }
    }
    return result
  }

  func applyInner(_ f: JFunction, _ args: [JV?], input: JV?, env: Frame, name: String? = nil) throws -> JV? {
    var args = args
    if let sig = f.signature { args = try sig.validate(args, context: input, name: name ?? f.name) }
    switch f.body {
    case .lambda(let node, let lambdaInput, let frame, let params):
      let callFrame: Frame
      if params.indices.allSatisfy({ i in !params[..<i].contains(params[i]) }) {
        callFrame = Frame(frame, names: params, values: args)
      } else {
        // A repeated parameter name: the last argument given for it wins, as binding them in turn does.
        callFrame = Frame(frame)
        for (i, p) in params.enumerated() { callFrame.bind(p, i < args.count ? args[i] : nil) }
      }
      return try evaluate(node.body!, lambdaInput, callFrame)
    case .native(_, _, let impl):
      return try impl(self, args, CallContext(input: input, frame: env))
    case .partial(let base, let bound, let holes):
      var full = bound
      for (i, hole) in holes.enumerated() { full[hole] = i < args.count ? args[i] : nil }
      return try apply(base, full, input: input, env: env, name: name)
    case .regex(let regex):
      guard case .string(let s)? = args.first ?? nil else { return nil }
      return regexMatchObject(regex, s, from: 0)
    }
  }

  /// The object a regex "function" returns when called directly: `{match, start, end, groups, next}`.
  func regexMatchObject(_ regex: Regex, _ s: String, from offset: Int) -> JV? {
    guard let m = regex.firstMatch(in: s, from: offset) else { return nil }
    let o = JObject()
    o["match"] = .string(m.match)
    o["start"] = .number(Double(m.start))
    o["end"] = .number(Double(m.end))
    o["groups"] = .array(JArray(m.groups.map { .string($0) }))
    let nextOffset = m.end > m.start ? m.end : m.end + 1
    o["next"] = .function(JFunction.native("next", nil, arity: 0) { ev, _, _ in
      ev.regexMatchObject(regex, s, from: nextOffset)
    })
    return .object(o)
  }

  func evaluatePartial(_ expr: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    var args: [JV?] = []
    var holes: [Int] = []
    for (i, a) in expr.arguments.enumerated() {
      if a.kind == .placeholder { holes.append(i); args.append(nil) } else { args.append(try evaluate(a, input, env)) }
    }
    let procNode = expr.procedure!
    let proc = try evaluate(procNode, input, env)
    if proc == nil, procNode.kind == .path, let first = procNode.steps.first, env.lookup(first.value) != nil {
      throw JSONataError(.t1007, "Attempted to partially apply a non-function. Did you mean $\(first.value)?",
                         position: expr.position, token: first.value)
    }
    guard case .function(let f)? = proc else {
      throw JSONataError(.t1008, "Attempted to partially apply a non-function", position: expr.position, token: procedureName(procNode))
    }
    if case .lambda(let node, let lambdaInput, let frame, let params) = f.body {
      let partialFrame = Frame(frame)
      var unbound: [String] = []
      for (i, p) in params.enumerated() {
        if i < args.count, !holes.contains(i) { partialFrame.bind(p, args[i]) } else if holes.contains(i) { unbound.append(p) } else {
          partialFrame.bind(p, nil)
        }
      }
      let lambdaNode = Node(.lambda, "partial", position: node.position)
      lambdaNode.body = node.body
      return .function(JFunction(.lambda(node: lambdaNode, input: lambdaInput, frame: partialFrame, params: unbound)))
    }
    var full = args
    while full.count < f.arity { full.append(nil) }
    return .function(JFunction(.partial(f, args: full, holes: holes)))
  }

  func evaluateApply(_ expr: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    let lhs = try evaluate(expr.lhs!, input, env)
    let rhsNode = expr.rhs!
    if rhsNode.kind == .function {
      return try evaluateFunction(rhsNode, input, env, applyTo: .some(lhs))
    }
    let fn = try evaluate(rhsNode, input, env)
    guard case .function(let f)? = fn else {
      throw JSONataError(.t2006, "The right side of the function application operator ~> must be a function",
                         position: expr.position, token: "~>")
    }
    if case .function(let first)? = lhs {
      return .function(JFunction.native("composition", nil, arity: 1) { ev, args, ctx in
        let mid = try ev.apply(first, [args.first ?? nil], input: nil, env: ctx.frame)
        return try ev.apply(f, [mid], input: nil, env: ctx.frame)
      })
    }
    return try apply(f, [lhs], input: nil, env: env)
  }
}
