import FlowCore
import Foundation

/// A compiled JSONata expression: parse once, evaluate many times (from any thread).
///
/// ```swift
/// let expr = try JSONataExpression("Account.Order.Product[Price > 30].SKU")
/// let skus = try expr.evaluate(input)          // nil when the result is undefined
/// let total = try JSONataExpression("$sum($states.input.items.price)")
///   .evaluate(nil, bindings: ["states": statesObject], environment: .stepFunctions(clock: { clockMillis }))
/// ```
///
/// ## Topics
/// - ``init(_:)``
/// - ``evaluate(_:bindings:environment:)``
/// - ``evaluate(_:bindings:)``
/// - ``JSONataBindings``
/// - ``JSONataEnvironment``
/// - ``JSONataError``
public struct JSONataExpression: @unchecked Sendable {
  // @unchecked: the syntax tree is built by `init` and never mutated afterwards; evaluation only reads it.
  let ast: Node
  /// The expression text as given.
  public let source: String

  /// Compiles an expression.
  /// - Parameter source: JSONata text.
  /// - Throws: ``JSONataError`` with an `S0xxx` code and position when the text is not valid JSONata.
  public init(_ source: String) throws(JSONataError) {
    self.source = source
    self.ast = try Parser.parse(source)
  }

  /// Evaluates the expression.
  ///
  /// - Parameters:
  ///   - input: The input document (`$`), or `nil` for none (undefined).
  ///   - bindings: Variables bound before evaluation, named without `$` (`["states": …]` makes `$states`).
  ///   - environment: Clock, randomness, extra functions and limits.
  /// - Returns: The result, or `nil` when the expression produced nothing (undefined). Numbers that are integral
  ///   come back as `.int`.
  /// - Throws: ``JSONataError`` with JSONata's code (`T2001`, `D3001`, …), message and position.
  public func evaluate(_ input: JSONValue?, bindings: [String: JSONValue] = [:],
                       environment: JSONataEnvironment = JSONataEnvironment()) throws(JSONataError) -> JSONValue? {
    try evaluate(input, bindings: JSONataBindings(bindings, environment: environment))
  }

  /// Evaluates the expression with variables prepared once for several evaluations.
  ///
  /// - Parameters:
  ///   - input: The input document (`$`), or `nil` for none (undefined).
  ///   - bindings: The variables, with the environment they were prepared for.
  /// - Returns: The result, or `nil` when the expression produced nothing (undefined).
  /// - Throws: ``JSONataError`` with JSONata's code, message and position.
  public func evaluate(_ input: JSONValue?, bindings: JSONataBindings) throws(JSONataError) -> JSONValue? {
    let frame = Frame(bindings.frame)
    var root = input.map(JV.init)
    frame.bind("$", root)
    if case .array? = root {
      let wrapper = JArray.sequence([root!])
      wrapper.outerWrapper = true
      root = .array(wrapper)
    }
    let evaluator = Evaluator(environment: bindings.environment, staticFrame: Builtins.frame)
    do {
      let result = try evaluator.evaluate(ast, root, frame)
      if case .function? = result { return nil }
      return try result?.toJSON()
    } catch let error as JSONataError {
      throw error
    } catch {
      throw JSONataError(.init("U1002"), "\(error)")
    }
  }
}

/// Variables made ready once for several evaluations, such as the fields of one Step Functions state that all read
/// `$states`: each value is converted to the evaluator's form as it is first read, and stays converted for the
/// evaluations that follow.
///
/// One set of bindings is for one thread at a time (the conversion happens as values are read). What an expression
/// binds with `:=` stays in its own evaluation.
///
/// ```swift
/// let bindings = JSONataBindings(["states": states], environment: .stepFunctions())
/// let output = try outputExpression.evaluate(input, bindings: bindings)
/// let assigned = try assignExpression.evaluate(input, bindings: bindings)
/// ```
public final class JSONataBindings {
  let frame: Frame
  /// The environment the evaluations run in.
  public let environment: JSONataEnvironment

  /// Prepares variables, named without `$` (`["states": …]` makes `$states`), for evaluations in `environment`.
  public init(_ bindings: [String: JSONValue] = [:], environment: JSONataEnvironment = JSONataEnvironment()) {
    self.environment = environment
    frame = Frame(environment.stepFunctionsFunctions ? StepFunctionsFunctions.frame : Builtins.frame)
    for f in environment.functions { frame.bind(f.name, .function(StepFunctionsFunctions.wrap(f))) }
    for (name, value) in bindings { frame.bind(name, JV(value)) }
  }
}
