// The post-parse stage, after jsonata-js's processAST: flattens `.` chains into paths of steps, attaches
// predicates, grouping, focus (`@`) and index (`#`) bindings to steps, resolves the parent operator (`%`)
// to ancestor slots, and marks tail calls in lambda bodies.

extension Parser {
  private func syntax(_ code: JSONataError.Code, _ message: String, _ node: Node) -> JSONataError {
    JSONataError(code, message, position: node.position, token: node.value)
  }

  private mutating func seekParent(_ node: Node, _ slot: AncestorSlot) throws(JSONataError) -> AncestorSlot {
    var slot = slot
    switch node.kind {
    case .name, .wildcard:
      slot.level -= 1
      if slot.level == 0 {
        if let existing = node.ancestor {
          ancestry[slot.index].slot!.label = existing.label
          node.ancestor = slot
        } else {
          node.ancestor = slot
        }
        node.tuple = true
      }
    case .parent:
      slot.level += 1
    case .block:
      if let last = node.expressions.last {
        node.tuple = true
        slot = try seekParent(last, slot)
      }
    case .path:
      node.tuple = true
      var index = node.steps.count - 1
      slot = try seekParent(node.steps[index], slot)
      index -= 1
      while slot.level > 0, index >= 0 {
        slot = try seekParent(node.steps[index], slot)
        index -= 1
      }
    default:
      throw JSONataError(.s0217, "The object representing the 'parent' cannot be derived from this expression",
                         position: node.position, token: "\(node.kind)")
    }
    return slot
  }

  private func pushAncestry(_ result: Node, _ value: Node) {
    guard value.seekingParent != nil || value.kind == .parent else { return }
    var slots = value.seekingParent ?? []
    if value.kind == .parent, let s = value.slot { slots.append(s) }
    if result.seekingParent == nil { result.seekingParent = slots } else { result.seekingParent! += slots }
  }

  private mutating func resolveAncestry(_ path: Node) throws(JSONataError) {
    guard let laststep = path.steps.last else { return }
    var slots = laststep.seekingParent ?? []
    if laststep.kind == .parent, let s = laststep.slot { slots.append(s) }
    for original in slots {
      var slot = original
      var index = path.steps.count - 2
      while slot.level > 0 {
        if index < 0 {
          if path.seekingParent == nil { path.seekingParent = [slot] } else { path.seekingParent!.append(slot) }
          break
        }
        var step = path.steps[index]
        index -= 1
        while index >= 0, step.focus != nil, path.steps[index].focus != nil {
          step = path.steps[index]
          index -= 1
        }
        slot = try seekParent(step, slot)
      }
    }
  }

  private func tailCallOptimize(_ expr: Node) -> Node {
    switch expr.kind {
    case .function where expr.predicate == nil:
      let thunk = Node(.lambda, "thunk", position: expr.position)
      thunk.thunk = true
      thunk.body = expr
      return thunk
    case .condition:
      expr.then = expr.then.map(tailCallOptimize)
      expr.otherwise = expr.otherwise.map(tailCallOptimize)
      return expr
    case .block:
      if let last = expr.expressions.last { expr.expressions[expr.expressions.count - 1] = tailCallOptimize(last) }
      return expr
    default:
      return expr
    }
  }

  mutating func processAST(_ expr: Node) throws(JSONataError) -> Node {
    astDepth += 1
    defer { astDepth -= 1 }
    if astDepth > Parser.maxDepth || !stack.hasRoom() {
      throw JSONataError(.u1001, "The expression is nested too deeply (more than \(Parser.maxDepth) levels)", position: expr.position)
    }
    var result: Node
    switch expr.kind {
    case .binary:
      result = try processBinary(expr)
    case .unary:
      result = Node(.unary, expr.value, position: expr.position)
      if expr.value == "[" {
        for item in expr.expressions {
          let value = try processAST(item)
          pushAncestry(result, value)
          result.expressions.append(value)
        }
      } else if expr.value == "{" {
        for (k, v) in expr.pairs {
          let key = try processAST(k)
          pushAncestry(result, key)
          let value = try processAST(v)
          pushAncestry(result, value)
          result.pairs.append((key, value))
        }
      } else {
        let operand = try processAST(expr.expression!)
        if expr.value == "-", operand.kind == .number, case .number(let d)? = operand.literal {
          result = operand
          result.literal = .number(-d)
        } else {
          result.expression = operand
          pushAncestry(result, operand)
        }
      }
    case .function, .partial:
      result = Node(expr.kind, expr.value, position: expr.position)
      for arg in expr.arguments {
        let a = try processAST(arg)
        pushAncestry(result, a)
        result.arguments.append(a)
      }
      result.procedure = try processAST(expr.procedure!)
    case .lambda:
      result = Node(.lambda, expr.value, position: expr.position)
      result.arguments = expr.arguments
      result.signature = expr.signature
      result.body = tailCallOptimize(try processAST(expr.body!))
    case .condition, .coalesce, .elvis:
      result = Node(expr.kind, expr.value, position: expr.position)
      let c = try processAST(expr.condition!)
      pushAncestry(result, c)
      result.condition = c
      if let t = expr.then {
        let p = try processAST(t)
        pushAncestry(result, p)
        result.then = p
      }
      if let e = expr.otherwise {
        let p = try processAST(e)
        pushAncestry(result, p)
        result.otherwise = p
      }
    case .transform:
      result = Node(.transform, expr.value, position: expr.position)
      result.pattern = try processAST(expr.pattern!)
      result.update = try processAST(expr.update!)
      if let d = expr.delete { result.delete = try processAST(d) }
    case .block:
      result = Node(.block, expr.value, position: expr.position)
      for item in expr.expressions {
        let part = try processAST(item)
        pushAncestry(result, part)
        if part.consarray || (part.kind == .path && part.steps.first?.consarray == true) { result.consarray = true }
        result.expressions.append(part)
      }
    case .name:
      result = Node(.path, "", position: expr.position)
      result.steps = [expr]
      if expr.keepArray { result.keepSingletonArray = true }
    case .parent:
      result = Node(.parent, "%", position: expr.position)
      result.slot = AncestorSlot(label: "!\(ancestorLabel)", level: 1, index: ancestorIndex)
      ancestorLabel += 1
      ancestorIndex += 1
      ancestry.append(result)
    case .string, .number, .value, .wildcard, .descendant, .variable, .regex, .placeholder:
      result = expr
    case .path, .bind, .apply, .sort:
      result = expr
    case .end:
      throw JSONataError(.s0207, "Unexpected end of expression", position: expr.position)
    }
    if expr.keepArray { result.keepArray = true }
    return result
  }

  private mutating func processBinary(_ expr: Node) throws(JSONataError) -> Node {
    var result: Node
    switch expr.value {
    case ".":
      let lstep = try processAST(expr.lhs!)
      if lstep.kind == .path {
        result = lstep
      } else {
        result = Node(.path, "", position: lstep.position)
        result.steps = [lstep]
      }
      if lstep.kind == .parent { result.seekingParent = [lstep.slot!] }
      let rest = try processAST(expr.rhs!)
      if rest.kind == .path {
        result.steps += rest.steps
      } else {
        if let p = rest.predicate {
          rest.stages = p
          rest.predicate = nil
        }
        result.steps.append(rest)
      }
      for step in result.steps {
        if step.kind == .number || step.kind == .value {
          throw JSONataError(.s0213, "The literal value \(step.value) cannot be used as a step within a path expression",
                             position: step.position, token: step.value)
        }
        if step.kind == .string { step.kind = .name }
      }
      if result.steps.contains(where: { $0.keepArray }) { result.keepSingletonArray = true }
      if let first = result.steps.first, first.kind == .unary, first.value == "[" { first.consarray = true }
      if let last = result.steps.last, last.kind == .unary, last.value == "[" { last.consarray = true }
      try resolveAncestry(result)
    case "[":
      result = try processAST(expr.lhs!)
      var step = result
      var useStages = false
      if result.kind == .path {
        step = result.steps[result.steps.count - 1]
        useStages = true
      }
      if step.group != nil {
        throw syntax(.s0209, "A predicate cannot follow a grouping expression in a step", expr)
      }
      let predicate = try processAST(expr.rhs!)
      if let seeking = predicate.seekingParent {
        for slot in seeking {
          if slot.level == 1 { _ = try seekParent(step, slot) } else { slot.level -= 1 }
        }
        pushAncestry(step, predicate)
      }
      let stage = Node.Stage.filter(predicate, position: expr.position)
      if useStages { step.stages = (step.stages ?? []) + [stage] } else { step.predicate = (step.predicate ?? []) + [stage] }
    case "{":
      result = try processAST(expr.lhs!)
      if result.group != nil {
        throw syntax(.s0210, "Each step can only have one grouping expression", expr)
      }
      var pairs: [(Node, Node)] = []
      for (k, v) in expr.pairs { pairs.append((try processAST(k), try processAST(v))) }
      result.group = (pairs, expr.position)
    case "^":
      result = try processAST(expr.lhs!)
      if result.kind != .path {
        let p = Node(.path, "", position: result.position)
        p.steps = [result]
        result = p
      }
      let sortStep = Node(.sort, "^", position: expr.position)
      for term in expr.terms {
        let e = try processAST(term.expression)
        pushAncestry(sortStep, e)
        sortStep.terms.append(Node.SortTerm(descending: term.descending, expression: e))
      }
      result.steps.append(sortStep)
      try resolveAncestry(result)
    case ":=":
      result = Node(.bind, ":=", position: expr.position)
      result.lhs = try processAST(expr.lhs!)
      result.rhs = try processAST(expr.rhs!)
      pushAncestry(result, result.rhs!)
    case "@":
      result = try processAST(expr.lhs!)
      var step = result
      if result.kind == .path { step = result.steps[result.steps.count - 1] }
      if step.stages != nil || step.predicate != nil {
        throw syntax(.s0215, "A context variable binding must precede any predicates on a step", expr)
      }
      if step.kind == .sort {
        throw syntax(.s0216, "A context variable binding must precede the 'order-by' clause on a step", expr)
      }
      if expr.keepArray { step.keepArray = true }
      step.focus = expr.rhs!.value
      step.tuple = true
    case "#":
      result = try processAST(expr.lhs!)
      var step = result
      if result.kind == .path {
        step = result.steps[result.steps.count - 1]
      } else {
        let p = Node(.path, "", position: result.position)
        p.steps = [result]
        result = p
        if let pr = step.predicate {
          step.stages = pr
          step.predicate = nil
        }
      }
      if step.stages == nil {
        step.index = expr.rhs!.value
      } else {
        step.stages!.append(.index(expr.rhs!.value))
      }
      step.tuple = true
    case "~>":
      result = Node(.apply, "~>", position: expr.position)
      result.lhs = try processAST(expr.lhs!)
      result.rhs = try processAST(expr.rhs!)
    default:
      result = Node(.binary, expr.value, position: expr.position)
      result.binaryOperator = Node.BinaryOperator(rawValue: expr.value)
      result.lhs = try processAST(expr.lhs!)
      result.rhs = try processAST(expr.rhs!)
      pushAncestry(result, result.lhs!)
      pushAncestry(result, result.rhs!)
    }
    return result
  }
}
