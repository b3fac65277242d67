/// A scope of variable bindings; lookups fall through to the enclosing frame.
///
/// Most frames hold a handful of bindings (a lambda's parameters, a block's variables), found faster by comparing
/// names than by hashing them; a frame that grows past a few (the built-in functions) gets a hash index as well.
final class Frame {
  // Without run-time exclusivity checks, as `JArray.items`: read on every variable lookup.
  @exclusivity(unchecked) private var names: [String] = []
  @exclusivity(unchecked) private var values: [JV?] = []
  /// Where each name is in `names`, once there are more than `linearLimit` of them.
  @exclusivity(unchecked) private var index: [String: Int]?
  private static let linearLimit = 8
  let parent: Frame?

  init(_ parent: Frame?) { self.parent = parent }

  /// A frame binding `names` (distinct) to `values`, position by position; missing values are undefined.
  init(_ parent: Frame?, names: [String], values: [JV?]) {
    self.parent = parent
    self.names = names
    if values.count == names.count {
      self.values = values
    } else {
      self.values = names.indices.map { $0 < values.count ? values[$0] : nil }
    }
    if names.count > Frame.linearLimit { index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }) }
  }

  private func position(of name: String) -> Int? {
    if let index { return index[name] }
    return names.firstIndex(of: name)
  }

  func bind(_ name: String, _ value: JV?) {
    if let i = position(of: name) {
      values[i] = value
      return
    }
    names.append(name)
    values.append(value)
    if index != nil {
      index![name] = names.count - 1
    } else if names.count > Frame.linearLimit {
      index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }
  }

  /// The value bound to `name` here or in an enclosing frame (`nil` when unbound, or bound to undefined).
  func lookup(_ name: String) -> JV? {
    var frame: Frame? = self
    while let f = frame {
      if let i = f.position(of: name) { return f.values[i] }
      frame = f.parent
    }
    return nil
  }
}

/// What a native function sees besides its arguments: the context value and the calling scope.
struct CallContext {
  let input: JV?
  let frame: Frame
}

/// A function value: a lambda (closure), a native built-in, a partial application or a compiled regex.
final class JFunction {
  typealias Native = (Evaluator, [JV?], CallContext) throws -> JV?
  enum Body {
    case lambda(node: Node, input: JV?, frame: Frame, params: [String])
    case native(name: String, arity: Int, impl: Native)
    case partial(JFunction, args: [JV?], holes: [Int])
    case regex(Regex)
  }
  let body: Body
  let signature: Signature?
  var thunk = false

  init(_ body: Body, signature: Signature? = nil) {
    self.body = body
    self.signature = signature
  }

  /// How many arguments the function takes (higher-order built-ins pass value, index and array accordingly).
  var arity: Int {
    switch body {
    case .lambda(_, _, _, let params): params.count
    case .native(_, let arity, _): arity
    case .partial(_, _, let holes): holes.count
    case .regex: 1
    }
  }

  var name: String {
    switch body {
    case .native(let name, _, _): name
    default: "lambda"
    }
  }

  static func native(_ name: String, _ signature: String?, arity: Int? = nil, _ impl: @escaping Native) -> JFunction {
    let sig = signature.flatMap { try? Signature($0) }
    return JFunction(.native(name: name, arity: arity ?? sig?.params.count ?? 0, impl: impl), signature: sig)
  }
}
