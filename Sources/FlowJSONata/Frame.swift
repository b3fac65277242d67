/// A scope of variable bindings; lookups fall through to the enclosing frame.
final class Frame {
  private var bindings: [String: JV?] = [:]
  let parent: Frame?

  init(_ parent: Frame?) { self.parent = parent }

  func bind(_ name: String, _ value: JV?) { bindings.updateValue(value, forKey: name) }

  func lookup(_ name: String) -> JV? {
    var frame: Frame? = self
    while let f = frame {
      if let v = f.bindings[name] { return v }
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
