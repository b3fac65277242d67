// Path navigation: steps, predicates (stages), tuple streams for `@`, `#` and `%`, and sorting.

extension Evaluator {
  func evaluatePath(_ expr: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    if let value = simplePathValue(expr, input, env) { return value }
    var inputSequence: JArray
    if case .array(let a)? = input, expr.steps[0].kind != .variable {
      inputSequence = a
    } else {
      inputSequence = JArray.sequence(input.map { [$0] } ?? [])
    }
    // jsonata-js wraps an undefined input as a one-item sequence holding undefined, so a first step that does not
    // need its input (a variable, a function call, a constructor) still runs once.
    let undefinedInput = input == nil
    var resultSequence: JV?
    var isTupleStream = false
    var tupleBindings: JArray?
    for (ii, step) in expr.steps.enumerated() {
      if step.tuple { isTupleStream = true }
      if ii == 0 && step.consarray {
        resultSequence = try evaluate(step, .array(inputSequence), env)
      } else if isTupleStream {
        tupleBindings = try evaluateTupleStep(step, inputSequence, tupleBindings, env)
      } else {
        resultSequence = .array(try evaluateStep(step, inputSequence, env, lastStep: ii == expr.steps.count - 1,
                                                 undefinedItem: ii == 0 && undefinedInput))
      }
      if !isTupleStream {
        guard let r = resultSequence else { break }
        if case .array(let a) = r, a.count == 0 { break }
      }
      if step.focus == nil {
        if case .array(let a)? = resultSequence { inputSequence = a } else if let r = resultSequence {
          inputSequence = JArray.sequence([r])
        }
      }
    }
    if isTupleStream {
      if expr.tuple {
        resultSequence = tupleBindings.map { .array($0) }
      } else {
        let seq = JArray.sequence()
        for t in tupleBindings?.items ?? [] { if let v = t.asObject?["@"] { seq.items.append(v) } }
        resultSequence = .array(seq)
      }
    }
    if expr.keepSingletonArray {
      if case .array(let a)? = resultSequence {
        var arr = a
        if a.cons && !a.isSequence {
          arr = JArray.sequence([.array(a)])
          resultSequence = .array(arr)
        }
        arr.keepSingleton = true
      } else if let r = resultSequence {
        let arr = JArray.sequence([r])
        arr.keepSingleton = true
        resultSequence = .array(arr)
      }
    }
    if let g = expr.group {
      resultSequence = try evaluateGroup(g.pairs, position: g.position, isTupleStream ? tupleBindings.map { .array($0) } : resultSequence, env)
    }
    return resultSequence
  }

  /// The value of a path of field names (`Price`, `Account.Name`), possibly after a variable (`$states.input.x`),
  /// when each step before the last lands on an object: the member itself, which is what the general evaluation
  /// gives too after wrapping each object and member in sequences. `.none` when the path or the data needs the
  /// general evaluation (an array on the way, a predicate, a binding, …).
  private func simplePathValue(_ expr: Node, _ input: JV?, _ env: Frame) -> JV?? {
    guard expr.group == nil, !expr.keepSingletonArray else { return .none }
    var current = input
    for (i, step) in expr.steps.enumerated() {
      guard step.stages == nil, step.predicate == nil, step.group == nil, !step.tuple, !step.keepArray,
            step.focus == nil, step.index == nil, step.ancestor == nil else { return .none }
      if i == 0, step.kind == .variable, !step.value.isEmpty {
        current = env.lookup(step.value)
        continue
      }
      guard step.kind == .name else { return .none }
      guard let value = current else {
        if i == 0 { return .none }   // no input: the general evaluation decides
        return .some(nil)            // undefined on the way: the path is undefined
      }
      guard case .object(let object) = value else { return .none }
      current = object[step.value]
    }
    if case .array(let a)? = current, a.isSequence { return .none }
    return .some(current)
  }

  func evaluateStep(_ expr: Node, _ input: JArray, _ env: Frame, lastStep: Bool, undefinedItem: Bool = false) throws -> JArray {
    if expr.kind == .sort {
      var result = try evaluateSort(expr, input, env)
      if let stages = expr.stages { result = try evaluateStages(stages, result, env) }
      return result
    }
    var results: [JV] = []
    func run(_ item: JV?) throws {
      var res = try evaluate(expr, item, env)
      if let stages = expr.stages {
        for case .filter(let p, _) in stages { res = try evaluateFilter(p, res, env) }
      }
      if let res { results.append(res) }
    }
    if undefinedItem { try run(nil) } else { for item in input.items { try run(item) } }
    if lastStep, results.count == 1, case .array(let a) = results[0], !a.isSequence {
      return a
    }
    let seq = JArray.sequence()
    for res in results {
      if case .array(let a) = res, !a.cons {
        seq.items.append(contentsOf: a.items)
      } else {
        seq.items.append(res)
      }
    }
    return seq
  }

  func evaluateStages(_ stages: [Node.Stage], _ input: JArray, _ env: Frame) throws -> JArray {
    var result = input
    for stage in stages {
      switch stage {
      case .filter(let p, _):
        result = try evaluateFilter(p, .array(result), env)?.asArray ?? JArray.sequence()
      case .index(let name):
        for (i, t) in result.items.enumerated() { t.asObject?[name] = .number(Double(i)) }
      }
    }
    return result
  }

  func evaluateTupleStep(_ expr: Node, _ input: JArray, _ tupleBindings: JArray?, _ env: Frame) throws -> JArray {
    if expr.kind == .sort {
      var result: JArray
      if let tupleBindings {
        result = try evaluateSort(expr, tupleBindings, env)
      } else {
        let sorted = try evaluateSort(expr, input, env)
        result = JArray.sequence()
        result.tupleStream = true
        for (i, v) in sorted.items.enumerated() {
          let t = JObject()
          t["@"] = v
          if let idx = expr.index { t[idx] = .number(Double(i)) }
          result.items.append(.object(t))
        }
      }
      if let stages = expr.stages { result = try evaluateStages(stages, result, env) }
      return result
    }
    var result = JArray.sequence()
    result.tupleStream = true
    let bindings = tupleBindings?.items ?? input.items.map { item in
      let t = JObject()
      t["@"] = item
      return .object(t)
    }
    for binding in bindings {
      guard let tuple = binding.asObject else { continue }
      let stepEnv = frame(from: tuple, env)
      guard let r = try evaluate(expr, tuple["@"], stepEnv) else { continue }
      let resArray: JArray = r.asArray ?? JArray([r])
      for (bb, item) in resArray.items.enumerated() {
        let t = tuple.copy()
        if resArray.tupleStream, let o = item.asObject {
          for (k, v) in o.pairs { t[k] = v }
        } else {
          if let focus = expr.focus {
            t[focus] = item
            t["@"] = tuple["@"]
          } else {
            t["@"] = item
          }
          if let idx = expr.index { t[idx] = .number(Double(bb)) }
          if let anc = expr.ancestor { t[anc.label] = tuple["@"] }
        }
        result.items.append(.object(t))
      }
    }
    if let stages = expr.stages { result = try evaluateStages(stages, result, env) }
    return result
  }

  func evaluateFilter(_ predicate: Node, _ input: JV?, _ env: Frame) throws -> JV? {
    let results = JArray.sequence()
    let inputArray: JArray
    if case .array(let a)? = input {
      inputArray = a
      if a.tupleStream { results.tupleStream = true }
    } else {
      inputArray = JArray.sequence(input.map { [$0] } ?? [])
    }
    if predicate.kind == .number, case .number(let d)? = predicate.literal {
      var index = clampInt(d.rounded(.down))
      if index < 0 { index += inputArray.count }
      if index >= 0, index < inputArray.count {
        let item = inputArray.items[index]
        if case .array(let a) = item { return .array(a) }
        results.items.append(item)
      }
      return .array(results)
    }
    for (index, item) in inputArray.items.enumerated() {
      var context: JV? = item
      var itemEnv = env
      if inputArray.tupleStream, let t = item.asObject {
        context = t["@"]
        itemEnv = frame(from: t, env)
      }
      var res = try evaluate(predicate, context, itemEnv)
      if let r = res, case .number = r, try isNumeric(r) { res = .array(JArray([r])) }
      if case .array(let a)? = res, !a.items.isEmpty, a.items.allSatisfy({ if case .number = $0 { true } else { false } }) {
        for case .number(let n) in a.items {
          var ii = clampInt(n.rounded(.down))
          if ii < 0 { ii += inputArray.count }
          if ii == index { results.items.append(item) }
        }
      } else if boolean(res) == true {
        results.items.append(item)
      }
    }
    return .array(results)
  }

  func evaluateSort(_ expr: Node, _ input: JArray, _ env: Frame) throws -> JArray {
    let isTuple = input.tupleStream
    func key(_ term: Node.SortTerm, _ v: JV) throws -> JV? {
      if isTuple, let t = v.asObject { return try evaluate(term.expression, t["@"], frame(from: t, env)) }
      return try evaluate(term.expression, v, env)
    }
    let sorted = try mergeSort(input.items) { a, b in
      var comp = 0
      for term in expr.terms where comp == 0 {
        let aa = try key(term, a), bb = try key(term, b)
        guard let aa else { comp = bb == nil ? 0 : 1; continue }
        guard let bb else { comp = -1; continue }
        switch (aa, bb) {
        case let (.number(x), .number(y)): comp = x == y ? 0 : (x < y ? -1 : 1)
        case let (.string(x), .string(y)): comp = x == y ? 0 : (compareJS(x, y) < 0 ? -1 : 1)
        case (.number, .string), (.string, .number):
          throw JSONataError(.t2007, "Type mismatch when comparing values \(describe(aa)) and \(describe(bb)) in order-by clause",
                             position: expr.position)
        default:
          throw JSONataError(.t2008, "The expressions within an order-by clause must evaluate to numeric or string values",
                             position: expr.position)
        }
        if comp != 0 && term.descending { comp = -comp }
      }
      return comp == 1
    }
    if input.count <= 1 { return input }
    let out = JArray(sorted)
    if isTuple { out.tupleStream = true; out.isSequence = true }
    return out
  }

  /// A stable merge sort; `swap(a, b)` says whether `b` must come before `a`.
  func mergeSort(_ items: [JV], _ swap: (JV, JV) throws -> Bool) throws -> [JV] {
    if items.count <= 1 { return items }
    let middle = items.count / 2
    let left = try mergeSort(Array(items[..<middle]), swap)
    let right = try mergeSort(Array(items[middle...]), swap)
    var result: [JV] = []
    result.reserveCapacity(items.count)
    var i = 0, j = 0
    while i < left.count && j < right.count {
      if try swap(left[i], right[j]) { result.append(right[j]); j += 1 } else { result.append(left[i]); i += 1 }
    }
    result.append(contentsOf: left[i...])
    result.append(contentsOf: right[j...])
    return result
  }

  func evaluateWildcard(_ input: JV?) -> JV? {
    var input = input
    if case .array(let a)? = input, a.outerWrapper, let first = a.items.first { input = first }
    let results = JArray.sequence()
    let values: [JV]
    switch input {
    case .object(let o)?: values = o.pairs.map(\.1)
    case .array(let a)?: values = a.items   // JavaScript sees an array as an object keyed "0", "1", …
    default: return .array(results)
    }
    for value in values {
      if case .array = value {
        var flat: [JV] = []
        flatten(value, into: &flat)
        results.items.append(contentsOf: flat)
      } else {
        results.items.append(value)
      }
    }
    return .array(results)
  }

  func flatten(_ v: JV, into out: inout [JV]) {
    if case .array(let a) = v { for item in a.items { flatten(item, into: &out) } } else { out.append(v) }
  }

  func evaluateDescendants(_ input: JV?) -> JV? {
    guard let input else { return nil }
    var out: [JV] = []
    recurseDescendants(input, &out)
    if out.count == 1 { return out[0] }
    return .array(JArray.sequence(out))
  }

  private func recurseDescendants(_ v: JV, _ out: inout [JV]) {
    switch v {
    case .array(let a): for item in a.items { recurseDescendants(item, &out) }
    case .object(let o):
      out.append(v)
      for (_, value) in o.pairs { recurseDescendants(value, &out) }
    default: out.append(v)
    }
  }

  /// Looks a key up in an object, or in each object of an array (flattening one level).
  func lookup(_ input: JV?, _ key: String) -> JV? {
    switch input {
    case .array(let a)?:
      let result = JArray.sequence()
      for item in a.items {
        guard let res = lookup(item, key) else { continue }
        if case .array(let r) = res { result.items.append(contentsOf: r.items) } else { result.items.append(res) }
      }
      return .array(result)
    case .object(let o)?:
      return o[key]
    default:
      return nil
    }
  }
}
