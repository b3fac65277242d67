// The public surface of FlowExpressions. The implementation lives in the other files of this module.
import FlowCore

/// A run-time failure while evaluating a path, template or intrinsic function, with the States Language
/// error name that `Retry` and `Catch` see (`States.Runtime`, `States.IntrinsicFailure`, …) and a cause.
public struct ExpressionError: Error, Hashable, Sendable, CustomStringConvertible {
  public var error: String
  public var cause: String
  public init(_ error: String, _ cause: String) {
    self.error = error
    self.cause = cause
  }
  public var description: String { "\(error): \(cause)" }
}

/// A static problem in a path, template or intrinsic function: reported by `flow validate` at the
/// location of the string it is in. `keyPath` names the template key the problem is under, if any.
public struct ExpressionSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
  public var message: String
  /// The keys from the template's root to the offending member (for ``PayloadTemplate``), else empty.
  public var keyPath: [String]
  public init(_ message: String, keyPath: [String] = []) {
    self.message = message
    self.keyPath = keyPath
  }
  public var description: String { message }

  /// `text` as quoted in a message: whole when short, else its start and end around `…`, so that a hostile
  /// 80,000-character expression does not become an 80,000-character message.
  static func excerpt(_ text: String) -> String {
    guard text.count > 120 else { return text }
    return "\(text.prefix(60))…\(text.suffix(40))"
  }
}

/// What paths read: `$` is the input, `$$` the context object, `$name` a variable; and where `States.UUID` and
/// an unseeded `States.MathRandom` take their randomness from.
public struct EvaluationScope: Sendable {
  public var input: JSONValue
  public var context: JSONValue
  public var variables: [String: JSONValue]
  /// A uniform number in `0..<1`; the system generator unless the caller (the executor's transition) gives one.
  public var random: @Sendable () -> Double
  public init(input: JSONValue, context: JSONValue = .emptyObject, variables: [String: JSONValue] = [:],
              random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
    self.input = input
    self.context = context
    self.variables = variables
    self.random = random
  }
}
