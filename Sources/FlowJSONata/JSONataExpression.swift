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
    let frame = Frame(environment.stepFunctionsFunctions ? StepFunctionsFunctions.frame : Builtins.frame)
    for f in environment.functions { frame.bind(f.name, .function(StepFunctionsFunctions.wrap(f))) }
    for (name, value) in bindings { frame.bind(name, JV(value)) }
    var root = input.map(JV.init)
    frame.bind("$", root)
    if case .array? = root {
      let wrapper = JArray.sequence([root!])
      wrapper.outerWrapper = true
      root = .array(wrapper)
    }
    let evaluator = Evaluator(environment: environment, staticFrame: Builtins.frame)
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
