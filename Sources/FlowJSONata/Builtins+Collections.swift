import Foundation

extension Builtins {
  static func items(_ v: JV?) -> [JV] {
    guard let v else { return [] }
    return v.asArray?.items ?? [v]
  }

  /// JavaScript truthiness, for comparator results of `$sort`.
  static func jsTruthy(_ v: JV?) -> Bool {
    switch v {
    case nil, .null?: false
    case .bool(let b)?: b
    case .number(let d)?: d != 0 && !d.isNaN
    case .string(let s)?: !s.isEmpty
    default: true
    }
  }

  /// The arguments a higher-order built-in passes: value, then index and array if the function takes them.
  static func hofArgs(_ f: JFunction, _ a: JV?, _ b: JV?, _ c: JV?) -> [JV?] {
    let arity = f.arity
    var args: [JV?] = [a]
    if arity >= 2 { args.append(b) }
    if arity >= 3 { args.append(c) }
    return args
  }

  static func deepCopy(_ v: JV) -> JV {
    switch v {
    case .array(let a):
      let c = JArray(a.items.map(deepCopy))
      return .array(c)
    case .object(let o):
      let c = JObject()
      for (k, x) in o.pairs { c[k] = deepCopy(x) }
      return .object(c)
    default: return v
    }
  }

  nonisolated(unsafe) static let arrays: [JFunction] = [
    .native("append", "<xx:a>") { ev, a, _ in ev.append(arg(a, 0), arg(a, 1)) },
    .native("reverse", "<a:a>") { _, a, _ in
      guard case .array(let arr)? = arg(a, 0) else { return nil }
      if arr.count <= 1 { return .array(arr) }
      return .array(JArray(arr.items.reversed()))
    },
    .native("shuffle", "<a:a>") { ev, a, _ in
      guard case .array(let arr)? = arg(a, 0) else { return nil }
      if arr.count <= 1 { return .array(arr) }
      var items = arr.items
      for i in stride(from: items.count - 1, to: 0, by: -1) {
        let j = clampInt(ev.random.next() * Double(i + 1))
        items.swapAt(i, min(j, i))
      }
      return .array(JArray(items))
    },
    .native("distinct", "<x:x>") { _, a, _ in
      guard let v = arg(a, 0) else { return nil }
      guard case .array(let arr) = v, arr.count > 1 else { return v }
      var out: [JV] = []
      for item in arr.items where !out.contains(where: { deepEqual($0, item) }) { out.append(item) }
      return .array(JArray(out, sequence: arr.isSequence))
    },
    .native("zip", "<a+>") { _, a, _ in
      let arrays = a.map { items($0) }
      let length = arrays.map(\.count).min() ?? 0
      var out: [JV] = []
      for i in 0..<length { out.append(.array(JArray(arrays.map { $0[i] }))) }
      return .array(JArray(out))
    },
    .native("sort", "<af?:a>") { ev, a, ctx in
      guard let v = arg(a, 0) else { return nil }
      guard case .array(let arr) = v else { return v }
      if arr.count <= 1 { return v }
      let sorted: [JV]
      if case .function(let f)? = arg(a, 1) {
        sorted = try ev.mergeSort(arr.items) { x, y in jsTruthy(try ev.apply(f, [x, y], input: nil, env: ctx.frame)) }
      } else if arr.items.allSatisfy({ $0.asNumber != nil }) {
        sorted = try ev.mergeSort(arr.items) { x, y in x.asNumber! > y.asNumber! }
      } else if arr.items.allSatisfy({ $0.asString != nil }) {
        sorted = try ev.mergeSort(arr.items) { x, y in compareJS(x.asString!, y.asString!) > 0 }
      } else {
        throw JSONataError(.d3070, "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function")
      }
      return .array(JArray(sorted))
    },
  ]

  nonisolated(unsafe) static let objects: [JFunction] = [
    .native("keys", "<x-:a<s>>") { _, a, _ in
      let result = JArray.sequence()
      var seen = Set<String>()
      func add(_ v: JV) {
        if case .object(let o) = v { for k in o.keys where seen.insert(k).inserted { result.items.append(.string(k)) } }
      }
      switch arg(a, 0) {
      case .array(let arr)?: arr.items.forEach(add)
      case let v?: add(v)
      default: break
      }
      return .array(result)
    },
    .native("lookup", "<x-s:x>") { ev, a, _ in
      guard let k = str(a, 1) else { return nil }
      return ev.lookup(arg(a, 0), k)
    },
    .native("spread", "<x-:a<o>>") { ev, a, _ in
      func spread(_ v: JV?) -> JV? {
        switch v {
        case .array(let arr)?:
          var result: JV? = .array(JArray.sequence())
          for item in arr.items { result = ev.append(result, spread(item)) }
          return result
        case .object(let o)?:
          return .array(JArray.sequence(o.pairs.map { .object(JObject([($0.0, $0.1)])) }))
        default: return v
        }
      }
      return spread(arg(a, 0))
    },
    .native("merge", "<a<o>:o>") { _, a, _ in
      guard let v = arg(a, 0) else { return nil }
      let result = JObject()
      for case .object(let o) in items(v) { for (k, x) in o.pairs { result[k] = x } }
      return .object(result)
    },
    .native("sift", "<o-f?:o>") { ev, a, ctx in
      guard case .object(let o)? = arg(a, 0), case .function(let f)? = arg(a, 1) else { return nil }
      let result = JObject()
      for (k, v) in o.pairs {
        let r = try ev.apply(f, hofArgs(f, v, .string(k), .object(o)), input: nil, env: ctx.frame)
        if ev.boolean(r) == true { result[k] = v }
      }
      return result.isEmpty ? nil : .object(result)
    },
    .native("each", "<o-f:a>") { ev, a, ctx in
      guard case .object(let o)? = arg(a, 0), case .function(let f)? = arg(a, 1) else { return nil }
      let result = JArray.sequence()
      for (k, v) in o.pairs {
        if let r = try ev.apply(f, hofArgs(f, v, .string(k), .object(o)), input: nil, env: ctx.frame) { result.items.append(r) }
      }
      return .array(result)
    },
    .native("clone", "<(oa)-:o>") { _, a, _ in arg(a, 0).map(deepCopy) },
    .native("type", "<x:s>") { _, a, _ in
      guard let v = arg(a, 0) else { return nil }
      switch v {
      case .null: return .string("null")
      case .bool: return .string("boolean")
      case .number: return .string("number")
      case .string: return .string("string")
      case .array: return .string("array")
      case .object: return .string("object")
      case .function: return .string("function")
      }
    },
  ]

  nonisolated(unsafe) static let higherOrder: [JFunction] = [
    .native("map", "<af>") { ev, a, ctx in
      guard let v = arg(a, 0), case .function(let f)? = arg(a, 1) else { return nil }
      let arr = items(v)
      let result = JArray.sequence()
      for (i, item) in arr.enumerated() {
        if let r = try ev.apply(f, hofArgs(f, item, .number(Double(i)), v), input: nil, env: ctx.frame) { result.items.append(r) }
      }
      return .array(result)
    },
    .native("filter", "<af>") { ev, a, ctx in
      guard let v = arg(a, 0), case .function(let f)? = arg(a, 1) else { return nil }
      let result = JArray.sequence()
      for (i, item) in items(v).enumerated() {
        let r = try ev.apply(f, hofArgs(f, item, .number(Double(i)), v), input: nil, env: ctx.frame)
        if ev.boolean(r) == true { result.items.append(item) }
      }
      return .array(result)
    },
    .native("single", "<af?>") { ev, a, ctx in
      guard let v = arg(a, 0) else { return nil }
      var found: JV?
      for (i, item) in items(v).enumerated() {
        var positive = true
        if case .function(let f)? = arg(a, 1) {
          positive = ev.boolean(try ev.apply(f, hofArgs(f, item, .number(Double(i)), v), input: nil, env: ctx.frame)) == true
        }
        if positive {
          if found != nil {
            throw JSONataError(.d3138, "The $single() function expected exactly 1 matching result.  Instead it matched more.")
          }
          found = item
        }
      }
      guard let found else {
        throw JSONataError(.d3139, "The $single() function expected exactly 1 matching result.  Instead it matched 0.")
      }
      return found
    },
    .native("reduce", "<afj?:j>") { ev, a, ctx in
      guard let v = arg(a, 0), case .function(let f)? = arg(a, 1) else { return nil }
      let arity = f.arity
      if arity < 2 { throw JSONataError(.d3050, "The second argument of reduce function must be a function with at least two arguments") }
      let seq = items(v)
      var result: JV?
      var index = 0
      if let initial = arg(a, 2) { result = initial } else if !seq.isEmpty { result = seq[0]; index = 1 }
      while index < seq.count {
        var args: [JV?] = [result, seq[index]]
        if arity >= 3 { args.append(.number(Double(index))) }
        if arity >= 4 { args.append(v) }
        result = try ev.apply(f, args, input: nil, env: ctx.frame)
        index += 1
      }
      return result
    },
  ]
}
